using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.Tests;

public sealed class ValidatorPayTests
{
    private const string A = "0x1000000000000000000000000000000000000001";
    private const string B = "0x2000000000000000000000000000000000000002";
    private const string C = "0x3000000000000000000000000000000000000003";

    private static ScoredReview Review(string validator, decimal reputation, bool clipped = false, decimal? agreement = null) =>
        new(validator, 70, "accept", reputation, clipped, agreement);

    [Fact]
    public void A_review_pays_by_its_reputation_times_its_agreement_so_one_just_inside_the_clip_earns_almost_nothing()
    {
        // Same reputation: one at the consensus, one halfway to the clip, one just inside it (19 of 20 points away).
        var (total, lines) = ValidatorPay.Divide(1_000, [Review(A, 0.8m, agreement: 1m), Review(B, 0.8m, agreement: 0.5m), Review(C, 0.8m, agreement: 0.05m)]);

        Assert.Equal(800_000 + 400_000 + 40_000, total);
        // 1000·800000/1240000 = 645.16, ·400000 = 322.58, ·40000 = 32.26: 999 by floors, the unit left to B's .58.
        Assert.Equal([(A, 800_000L, "645"), (B, 400_000L, "323"), (C, 40_000L, "32")], lines.Select(l => (l.Validator, l.Weight, l.Amount)));
    }

    [Fact]
    public void A_review_recorded_without_an_agreement_pays_as_before_by_reputation_alone()
    {
        var (before, old) = ValidatorPay.Divide(1_000, [Review(A, 0.5m), Review(B, 0.25m)]);
        var (now, recorded) = ValidatorPay.Divide(1_000, [Review(A, 0.5m, agreement: 1m), Review(B, 0.25m, agreement: 1m)]);

        Assert.Equal((750_000L, 750_000L), (before, now));
        Assert.Equal(old.Select(l => (l.Validator, l.Amount)), recorded.Select(l => (l.Validator, l.Amount)));
    }

    [Fact]
    public void The_pool_is_split_by_reputation_in_millionths_and_a_clipped_review_gets_nothing()
    {
        var (total, lines) = ValidatorPay.Divide(1_000, [Review(A, 0.5m), Review(B, 0.25m), Review(C, 0.9m, clipped: true)]);

        Assert.Equal(750_000, total);
        // 1000·500000/750000 = 666.67 → 666, 1000·250000/750000 = 333.33 → 333; the one unit left goes to the larger remainder (A's).
        Assert.Equal([(A, 500_000L, "667"), (B, 250_000L, "333")], lines.Select(l => (l.Validator, l.Weight, l.Amount)));
    }

    [Fact]
    public void Reputation_below_a_millionth_truncates_and_when_all_do_each_unclipped_review_counts_one()
    {
        var (truncated, some) = ValidatorPay.Divide(10, [Review(A, 0.0000019m), Review(B, 0.0000009m)]);
        var (equal, all) = ValidatorPay.Divide(10, [Review(A, 0.0000009m), Review(B, 0m), Review(C, 1m, clipped: true)]);

        Assert.Equal(1, truncated);
        Assert.Equal([(A, "10")], some.Select(l => (l.Validator, l.Amount)));
        Assert.Equal(2, equal);
        Assert.Equal([(A, "5"), (B, "5")], all.Select(l => (l.Validator, l.Amount)));
    }

    [Fact]
    public void Equal_remainders_go_to_the_lower_address_and_a_pool_of_zero_pays_nobody()
    {
        var (_, lines) = ValidatorPay.Divide(2, [Review(C, 0.3m), Review(A, 0.3m), Review(B, 0.3m)]);
        var (_, none) = ValidatorPay.Divide(0, [Review(A, 0.3m)]);

        Assert.Equal([(A, "1"), (B, "1")], lines.Select(l => (l.Validator, l.Amount)));
        Assert.Empty(none);
    }

    [Fact]
    public void Addresses_come_out_checksummed_and_one_validators_reviews_add_up()
    {
        var (total, lines) = ValidatorPay.Divide(9, [Review(A.ToLowerInvariant(), 0.1m), Review(A, 0.2m), Review(B, 0.6m)]);

        Assert.Equal(900_000, total);
        Assert.Equal([(A, 300_000L, "3"), (B, 600_000L, "6")], lines.Select(l => (l.Validator, l.Weight, l.Amount)));
    }

    [Fact]
    public void A_damaged_review_is_refused_rather_than_paid()
    {
        Assert.Throws<FormatException>(() => ValidatorPay.Divide(10, [Review(A, -0.1m)]));
        Assert.Throws<FormatException>(() => ValidatorPay.Divide(10, [Review("0x12", 0.1m)]));
        Assert.Throws<FormatException>(() => ValidatorPay.Divide(10, [Review(A, 0.5m, agreement: 1.5m)]));
        Assert.Throws<FormatException>(() => ValidatorPay.Divide(10, [Review(A, 0.5m, agreement: -0.5m)]));
    }

    [Fact]
    public void Lines_always_add_up_to_the_pool_whatever_the_order_and_nobody_clipped_is_paid()
    {
        var random = new Random(17);
        for (var run = 0; run < 3000; run++)
        {
            var reviews = Enumerable.Range(0, random.Next(1, 8))
                .Select(i => Review($"0x{random.Next(1, 6):x40}", Math.Round((decimal)random.NextDouble(), random.Next(0, 8)), clipped: i > 0 && random.Next(4) == 0))
                .ToList();
            var pool = random.Next(3) switch
            {
                0 => new BigInteger(random.Next(0, 20)),
                1 => new BigInteger(random.NextInt64()),
                _ => BigInteger.Parse("1000000000000000000000000000000") + random.Next(),
            };
            var (total, lines) = ValidatorPay.Divide(pool, reviews);
            var shuffled = ValidatorPay.Divide(pool, [.. reviews.OrderBy(_ => random.Next())]);

            Assert.Equal(lines, shuffled.Lines);
            Assert.Equal(total, shuffled.TotalWeight);
            Assert.Equal(pool, lines.Aggregate(BigInteger.Zero, (s, l) => s + TokenAmount.Parse(l.Amount)));
            Assert.All(lines, l => Assert.True(TokenAmount.Parse(l.Amount) > 0));
            Assert.Equal(lines.Select(l => l.Validator).Order(StringComparer.Ordinal), lines.Select(l => l.Validator));
            var clippedOnly = reviews.Where(r => r.Clipped).Select(r => r.Validator.ToLowerInvariant())
                .Except(reviews.Where(r => !r.Clipped).Select(r => r.Validator.ToLowerInvariant()));
            Assert.DoesNotContain(lines, l => clippedOnly.Contains(l.Validator.ToLowerInvariant()));
            // Each line is within one unit of its exact proportional share.
            foreach (var line in lines)
            {
                var exact = pool * line.Weight;
                var paid = TokenAmount.Parse(line.Amount) * total;
                Assert.True(BigInteger.Abs(paid - exact) < total, $"{line.Validator} paid {line.Amount} of {pool} for weight {line.Weight}/{total}");
            }
        }
    }

    [Fact]
    public void The_policy_pool_is_the_share_of_the_kinds_base_and_nothing_for_a_kind_it_does_not_pay()
    {
        var policy = RewardPolicy.Initial with { ValidatorShareBasisPoints = 1_500 };

        Assert.Equal(15 * TokenAmount.OneToken / 10, policy.ValidatorPoolFor("data"));
        Assert.Equal(BigInteger.Zero, policy.ValidatorPoolFor("memes"));
        Assert.Equal(BigInteger.Zero, RewardPolicy.Initial.ValidatorPoolFor("data"));
    }
}
