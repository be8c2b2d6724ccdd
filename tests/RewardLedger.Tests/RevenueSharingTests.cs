using System.Numerics;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.Tests;

public sealed class RevenueSharingTests
{
    private const string Treasury = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
    private const string A = "0x1000000000000000000000000000000000000001";
    private const string B = "0x2000000000000000000000000000000000000002";
    private const string C = "0x3000000000000000000000000000000000000003";

    [Fact]
    public void Shares_are_proportional_to_weights_rounded_down_with_the_remainder_to_the_treasury()
    {
        var (outcome, total, _, _, lines) = RevenueSharing.Divide(1000, new Dictionary<string, long> { [A] = 80, [B] = 7 }, Treasury);

        Assert.Equal(RevenueSharing.Split, outcome);
        Assert.Equal(87, total);
        // 1000·80/87 = 919.54…, 1000·7/87 = 80.45…: 919 + 80 = 999, one base unit left over.
        Assert.Equal([(A, "contributor", 80L, "919"), (B, "contributor", 7L, "80"), (Treasury, "treasury", 0L, "1")],
            lines.Select(l => (l.Address, l.Role, l.Weight, l.Amount)));
    }

    [Fact]
    public void A_split_without_remainder_has_no_treasury_line()
    {
        var (_, _, _, _, lines) = RevenueSharing.Divide(900, new Dictionary<string, long> { [A] = 2, [B] = 1 }, Treasury);

        Assert.Equal(["600", "300"], lines.Select(l => l.Amount));
        Assert.DoesNotContain(lines, l => l.Role == RevenueSharing.TreasuryRole);
    }

    [Fact]
    public void An_unknown_snapshot_or_one_without_scores_pays_everything_to_the_treasury()
    {
        var unknown = RevenueSharing.Divide(12345, null, Treasury);
        var unscored = RevenueSharing.Divide(12345, new Dictionary<string, long> { [A] = 0 }, Treasury);
        var empty = RevenueSharing.Divide(12345, new Dictionary<string, long>(), Treasury);

        Assert.Equal(RevenueSharing.UnknownSnapshot, unknown.Outcome);
        Assert.Equal(RevenueSharing.NoScores, unscored.Outcome);
        Assert.Equal(RevenueSharing.NoScores, empty.Outcome);
        Assert.All([unknown.Lines, unscored.Lines, empty.Lines], l => Assert.Equal((Treasury, "12345"), (Assert.Single(l).Address, l[0].Amount)));
    }

    [Fact]
    public void A_share_too_small_for_one_base_unit_goes_to_the_treasury_and_the_contributor_gets_no_line()
    {
        var (_, _, _, _, lines) = RevenueSharing.Divide(10, new Dictionary<string, long> { [A] = 1000, [B] = 1 }, Treasury);

        Assert.Equal([(A, "9"), (Treasury, "1")], lines.Select(l => (l.Address, l.Amount)));
    }

    [Fact]
    public void Lines_always_add_up_to_the_payment_and_the_remainder_is_below_one_unit_per_contributor()
    {
        var random = new Random(19);
        for (var run = 0; run < 2000; run++)
        {
            var amount = new BigInteger(random.NextInt64(1, long.MaxValue)) * random.Next(1, 1_000_000) + random.Next(0, 1000);
            var weights = Enumerable.Range(0, random.Next(1, 40))
                .ToDictionary(i => $"0x{i:x40}", _ => (long)random.Next(0, 101));
            var (outcome, total, _, _, lines) = RevenueSharing.Divide(amount, weights, Treasury);

            Assert.Equal(amount, lines.Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Amount)));
            Assert.All(lines, l => Assert.True(BigInteger.Parse(l.Amount) > 0));
            if (outcome == RevenueSharing.Split)
            {
                var remainder = lines.Where(l => l.Role == RevenueSharing.TreasuryRole).Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Amount));
                Assert.True(remainder < weights.Count(w => w.Value > 0), $"remainder {remainder} for {weights.Count} contributors");
                Assert.Equal(weights.Values.Sum(), total);
            }
        }
    }

    [Fact]
    public void The_order_the_members_come_in_does_not_change_the_lines()
    {
        var forward = RevenueSharing.Divide(10_000, new Dictionary<string, long> { [C] = 3, [A] = 5, [B] = 9 }, Treasury).Lines;
        var backward = RevenueSharing.Divide(10_000, new Dictionary<string, long> { [B] = 9, [A] = 5, [C] = 3 }, Treasury).Lines;

        Assert.Equal(forward, backward);
    }

    [Fact]
    public void A_zero_or_negative_payment_or_a_negative_weight_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RevenueSharing.Divide(0, null, Treasury));
        Assert.Throws<ArgumentOutOfRangeException>(() => RevenueSharing.Divide(-1, null, Treasury));
        Assert.Throws<ArgumentException>(() => RevenueSharing.Divide(10, new Dictionary<string, long> { [A] = -1 }, Treasury));
    }

    private const string V = "0x4000000000000000000000000000000000000004";
    private const string W = "0x5000000000000000000000000000000000000005";

    [Fact]
    public void The_validators_share_goes_to_the_reviewers_by_weight_and_the_contributors_share_the_rest()
    {
        var division = RevenueSharing.Divide(1000, new Dictionary<string, long> { [A] = 80, [B] = 7 }, Treasury,
            new Dictionary<string, long> { [V] = 2_000_000, [W] = 1_000_000 }, validatorShareBasisPoints: 2_500);

        // Pool floor(1000·0.25) = 250: V 166 (166.6…), W 83 (83.3…). Contributors share 750: A 689 (689.6…), B 60 (60.3…).
        Assert.Equal((RevenueSharing.Split, 87L, new BigInteger(250), 3_000_000L), (division.Outcome, division.TotalWeight, division.ValidatorPool, division.ValidatorWeight));
        Assert.Equal([(A, "contributor", 80L, "689"), (B, "contributor", 7L, "60"), (V, "validator", 2_000_000L, "166"), (W, "validator", 1_000_000L, "83"),
            (Treasury, "treasury", 0L, "2")], division.Lines.Select(l => (l.Address, l.Role, l.Weight, l.Amount)));
    }

    [Fact]
    public void Without_reviewers_or_without_a_share_the_contributors_get_everything_as_before()
    {
        var before = RevenueSharing.Divide(1000, new Dictionary<string, long> { [A] = 80, [B] = 7 }, Treasury);
        var unreviewed = RevenueSharing.Divide(1000, new Dictionary<string, long> { [A] = 80, [B] = 7 }, Treasury, new Dictionary<string, long> { [V] = 0 }, 5_000);
        var unshared = RevenueSharing.Divide(1000, new Dictionary<string, long> { [A] = 80, [B] = 7 }, Treasury, new Dictionary<string, long> { [V] = 9 }, 0);

        Assert.Equal(before.Lines, unreviewed.Lines);
        Assert.Equal(before.Lines, unshared.Lines);
        Assert.Equal((BigInteger.Zero, 0L), (unreviewed.ValidatorPool, unreviewed.ValidatorWeight));
    }

    [Fact]
    public void With_a_validators_share_lines_still_add_up_to_the_payment_exactly()
    {
        var random = new Random(1916);
        for (var run = 0; run < 2000; run++)
        {
            var amount = new BigInteger(random.NextInt64(1, long.MaxValue)) * random.Next(1, 1_000_000) + random.Next(0, 1000);
            var weights = Enumerable.Range(0, random.Next(1, 20)).ToDictionary(i => $"0x{i:x40}", _ => (long)random.Next(0, 101));
            var validators = Enumerable.Range(100, random.Next(0, 8)).ToDictionary(i => $"0x{i:x40}", _ => (long)random.Next(0, 1_000_001));
            var share = random.Next(0, 10_001);
            var division = RevenueSharing.Divide(amount, weights, Treasury, validators, share);

            Assert.Equal(amount, division.Lines.Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Amount)));
            var toValidators = division.Lines.Where(l => l.Role == RevenueSharing.ValidatorRole).Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Amount));
            Assert.True(toValidators <= division.ValidatorPool);
            if (division.Outcome == RevenueSharing.Split && validators.Values.Sum() > 0)
                Assert.Equal(amount * share / 10_000, division.ValidatorPool);
        }
    }

    [Fact]
    public void A_share_outside_0_to_10000_or_a_negative_review_weight_is_refused()
    {
        var weights = new Dictionary<string, long> { [A] = 1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => RevenueSharing.Divide(10, weights, Treasury, new Dictionary<string, long> { [V] = 1 }, 10_001));
        Assert.Throws<ArgumentOutOfRangeException>(() => RevenueSharing.Divide(10, weights, Treasury, new Dictionary<string, long> { [V] = 1 }, -1));
        Assert.Throws<ArgumentException>(() => RevenueSharing.Divide(10, weights, Treasury, new Dictionary<string, long> { [V] = -1 }, 100));
    }
}
