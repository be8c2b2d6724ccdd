using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.Tests;

/// <summary>The appeal's reward consequence on hand-made cases, and its sums over many random ones.</summary>
public sealed class AppealSettlementTests
{
    private const string Contributor = "0x9000000000000000000000000000000000000009";
    private static readonly string A = V(1), B = V(2), C = V(3), D = V(4), E = V(5), F = V(6);
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    /// <summary>A "data" contribution pays 10,000 base units at 100; its validators share 1,000 (10%).</summary>
    private static readonly RewardPolicy Policy = RewardPolicy.Initial with
    {
        BasePerKind = new Dictionary<string, BigInteger> { ["data"] = 10_000 },
        CapPerAddressPerEpoch = 1_000_000,
        ValidatorShareBasisPoints = 1_000,
    };

    private static string V(int i) => $"0x{i:x40}";

    private static ScoredReview Review(string validator, int score, bool clipped = false, decimal reputation = 0.5m) =>
        new(validator, score, "accept", reputation, clipped);

    /// <summary>Scored 40 (reviews 36, 36 and 60, the 60 clipped): credited 4,000, validators A and B paid 500 each.</summary>
    private static readonly IReadOnlyList<ScoredReview> FirstRound = [Review(A, 36), Review(B, 36), Review(C, 60, clipped: true)];

    private static AppealSettlement.FirstCredit Credited(BigInteger? credited = null, bool reversed = false, BigInteger? earnedBefore = null) =>
        new(Contributor, "data", RewardEvidence.Consensus, earnedBefore ?? 0, credited ?? 4_000, reversed,
            [new ValidatorReward(A, 500_000, "500"), new ValidatorReward(B, 500_000, "500")]);

    private static AppealDecided Decided(int final, IReadOnlyList<ScoredReview> panel, IReadOnlyList<ScoredReview>? firstRound, string outcome = "changed") =>
        new("0x" + new string('a', 64), "0x" + new string('c', 64), Contributor, 40, final, outcome, null, panel, "scoring-1", Now, firstRound);

    [Fact]
    public void A_raised_score_credits_the_difference_the_clipped_first_round_loses_its_pay_and_the_panel_shares_the_pool()
    {
        // The panel (80, 82, 78) decides 71; measured against its 80, A's and B's 36 are clipped and C's 60 is not.
        var panel = new[] { Review(D, 80), Review(E, 82), Review(F, 78) };
        var decided = Decided(71, panel, [Review(A, 36, clipped: true), Review(B, 36, clipped: true), Review(C, 60)]);

        var settled = AppealSettlement.Settle(Policy, Credited(), decided, AppealFiled.Contributor, FirstRound);

        Assert.Equal((7_100, 3_100), ((int)settled.Credit, (int)settled.ContributorDelta));
        Assert.Equal([(C, "250"), (D, "250"), (E, "250"), (F, "250")], settled.Validators.Select(l => (l.Validator, l.Amount)));
        Assert.Equal([(A, "-500"), (B, "-500"), (C, "250"), (D, "250"), (E, "250"), (F, "250"), (Contributor, "3100")],
            settled.Lines.Select(l => (l.Account, l.Amount)));
    }

    [Fact]
    public void A_lowered_score_debits_the_contributor()
    {
        var decided = Decided(25, [Review(D, 20), Review(E, 22), Review(F, 24)], [Review(A, 36), Review(B, 36), Review(C, 60, clipped: true)]);

        var settled = AppealSettlement.Settle(Policy, Credited(), decided, AppealFiled.Contributor, FirstRound);

        Assert.Equal((2_500, -1_500), ((int)settled.Credit, (int)settled.ContributorDelta));
        Assert.Contains(new SettlementLine(Contributor, "-1500"), settled.Lines);
        // A and B stay unclipped and now share the pool with the panel: 1000 over five equal weights.
        Assert.All(settled.Validators, l => Assert.Equal("200", l.Amount));
        Assert.Contains(new SettlementLine(A, "-300"), settled.Lines);
    }

    [Fact]
    public void Without_a_quorum_nothing_moves()
    {
        var settled = AppealSettlement.Settle(Policy, Credited(), Decided(40, [], FirstRound, "no-quorum"), AppealFiled.Contributor, FirstRound);

        Assert.Equal(0, (int)settled.ContributorDelta);
        Assert.Empty(settled.Lines);
        Assert.Equal(Credited().PaidBefore, settled.Validators);
    }

    [Fact]
    public void After_a_reversal_the_contributor_is_not_credited_again_but_the_validators_are_settled()
    {
        var decided = Decided(71, [Review(D, 80), Review(E, 82), Review(F, 78)], [Review(A, 36, clipped: true), Review(B, 36, clipped: true), Review(C, 60)]);

        var settled = AppealSettlement.Settle(Policy, Credited(reversed: true), decided, AppealFiled.Contributor, FirstRound);

        Assert.Equal((4_000, 0), ((int)settled.Credit, (int)settled.ContributorDelta));
        Assert.DoesNotContain(settled.Lines, l => l.Account == Contributor);
        Assert.Contains(new SettlementLine(A, "-500"), settled.Lines);
    }

    [Fact]
    public void The_corrected_credit_uses_the_cap_room_the_first_credit_had()
    {
        var decided = Decided(90, [Review(D, 90), Review(E, 90), Review(F, 90)], [Review(A, 36, clipped: true), Review(B, 36, clipped: true), Review(C, 60, clipped: true)]);

        // 995,000 earned before the first credit: room 5,000, the first credit 4,000 fitted, 9,000 does not.
        var settled = AppealSettlement.Settle(Policy, Credited(earnedBefore: 995_000), decided, AppealFiled.Contributor, FirstRound);

        Assert.Equal((5_000, 1_000), ((int)settled.Credit, (int)settled.ContributorDelta));
    }

    [Fact]
    public void An_appeal_decided_before_the_first_round_was_recorded_with_it_pays_the_first_round_as_first_recorded()
    {
        var settled = AppealSettlement.Settle(Policy, Credited(), Decided(40, [Review(D, 36), Review(E, 36), Review(F, 36)], firstRound: null, "upheld"), AppealFiled.Contributor, FirstRound);

        // A, B, D, E, F unclipped: 200 each; A and B gave up 300 each to the panel.
        Assert.Equal([(A, "-300"), (B, "-300"), (D, "200"), (E, "200"), (F, "200")], settled.Lines.Select(l => (l.Account, l.Amount)));
    }

    [Fact]
    public void Over_many_random_cases_the_pay_is_the_pool_and_every_account_ends_where_the_new_lines_say()
    {
        var random = new Random(17);
        for (var n = 0; n < 2_000; n++)
        {
            var policy = Policy with
            {
                BasePerKind = new Dictionary<string, BigInteger> { ["data"] = random.NextInt64(0, long.MaxValue) * (BigInteger)random.Next(1, 1_000) },
                ValidatorShareBasisPoints = random.Next(0, 10_001),
                CapPerAddressPerEpoch = random.NextInt64(0, long.MaxValue),
            };
            var firstRound = Reviews(random, 1, random.Next(1, 6));
            var panel = random.Next(4) == 0 ? [] : Reviews(random, 10, random.Next(1, 8));
            var remeasured = firstRound.Select(r => r with { Clipped = random.Next(3) == 0 }).ToList();
            var pool = policy.ValidatorPoolFor("data");
            var (_, paidBefore) = ValidatorPay.Divide(pool, firstRound);
            var earned = (BigInteger)random.NextInt64(0, long.MaxValue);
            var firstScore = random.Next(0, 101);
            var credited = policy.RewardFor("data", firstScore, earned);
            var reversed = random.Next(5) == 0;
            var first = new AppealSettlement.FirstCredit(Contributor, "data", RewardEvidence.Consensus, earned, credited, reversed, paidBefore);

            var settled = AppealSettlement.Settle(policy, first, Decided(random.Next(0, 101), panel, remeasured), AppealFiled.Contributor, firstRound);

            var (total, expected) = ValidatorPay.Divide(pool, [.. remeasured, .. panel]);
            Assert.Equal(expected, settled.Validators);
            Assert.Equal(total == 0 ? BigInteger.Zero : pool, settled.Validators.Aggregate(BigInteger.Zero, (s, l) => s + TokenAmount.Parse(l.Amount)));
            Assert.True(settled.Credit >= 0 && settled.Credit == credited + settled.ContributorDelta);
            Assert.True(!reversed || settled.ContributorDelta.IsZero);
            // Every account: what it had from the case plus its line is what the case pays it now.
            var after = paidBefore.ToDictionary(l => l.Validator, l => TokenAmount.Parse(l.Amount));
            after[Contributor] = credited;
            foreach (var line in settled.Lines)
            {
                Assert.NotEqual("0", line.Amount);
                after[line.Account] = after.GetValueOrDefault(line.Account) + AppealSettlement.ParseSigned(line.Amount);
            }
            Assert.All(after.Values, v => Assert.True(v >= 0));
            Assert.Equal(settled.Credit, after[Contributor]);
            Assert.Equal(settled.Validators.ToDictionary(l => l.Validator, l => TokenAmount.Parse(l.Amount)),
                after.Where(a => a.Key != Contributor && !a.Value.IsZero).ToDictionary());
        }
    }

    /// <summary>The first test's case as an audit round: A's and B's reviews, overturned by the panel, cost each a whole pool.</summary>
    [Fact]
    public void An_audit_that_overturns_reviews_slashes_each_overturned_reviewer_the_policy_amount()
    {
        var panel = new[] { Review(D, 80), Review(E, 82), Review(F, 78) };
        var decided = Decided(71, panel, [Review(A, 36, clipped: true), Review(B, 36, clipped: true), Review(C, 60)]);

        var settled = AppealSettlement.Settle(Policy, Credited(), decided, AppealFiled.Audit, FirstRound);

        Assert.Equal(1_000, (int)Policy.SlashFor("data"));
        Assert.Equal([(A, "1000"), (B, "1000")], settled.Slashes.Select(s => (s.Validator, s.Amount)));
        // The pay moves exactly as without a slash; each slashed line is 1,000 lower; the pool still pays 1,000 in all.
        Assert.Equal([(A, "-1500"), (B, "-1500"), (C, "250"), (D, "250"), (E, "250"), (F, "250"), (Contributor, "3100")],
            settled.Lines.Select(l => (l.Account, l.Amount)));
        Assert.Equal([(C, "250"), (D, "250"), (E, "250"), (F, "250")], settled.Validators.Select(l => (l.Validator, l.Amount)));
    }

    [Fact]
    public void A_reviewers_appeal_slashes_the_overturned_reviews_the_appellants_own_included()
    {
        // C appealed (its 60 was clipped in its round); the panel's 36 bears the first round out and clips C again.
        var decided = Decided(40, [Review(D, 36), Review(E, 38), Review(F, 35)], [Review(A, 36), Review(B, 36), Review(C, 60, clipped: true)], "upheld");

        var settled = AppealSettlement.Settle(Policy, Credited(), decided, AppealFiled.Reviewer, FirstRound);

        Assert.Equal([(C, "1000")], settled.Slashes.Select(s => (s.Validator, s.Amount)));
        Assert.Equal("-1000", settled.Lines.Single(l => l.Account == C).Amount);
    }

    [Theory]
    [InlineData(AppealFiled.Contributor, "changed")]
    [InlineData(AppealFiled.Audit, "no-quorum")]
    [InlineData(AppealFiled.Reviewer, "no-quorum")]
    public void A_contributors_appeal_or_a_panel_short_of_quorum_slashes_nobody(string role, string outcome)
    {
        var decided = Decided(71, outcome == "no-quorum" ? [] : [Review(D, 80), Review(E, 82), Review(F, 78)],
            [Review(A, 36, clipped: true), Review(B, 36, clipped: true), Review(C, 60)], outcome);

        var settled = AppealSettlement.Settle(Policy, Credited(), decided, role, FirstRound);

        Assert.Empty(settled.Slashes);
    }

    [Fact]
    public void A_policy_without_a_slash_or_without_validator_pay_slashes_nobody()
    {
        var decided = Decided(71, [Review(D, 80), Review(E, 82), Review(F, 78)], [Review(A, 36, clipped: true), Review(B, 36, clipped: true), Review(C, 60)]);

        Assert.Empty(AppealSettlement.Settle(Policy with { SlashBasisPoints = 0 }, Credited(), decided, AppealFiled.Audit, FirstRound).Slashes);
        Assert.Empty(AppealSettlement.Settle(Policy with { ValidatorShareBasisPoints = 0 }, Credited(), decided, AppealFiled.Audit, FirstRound).Slashes);
    }

    /// <summary>Whatever the role, slash and pool: each account ends at its new pay minus its slash, and the lines add up.</summary>
    [Fact]
    public void Over_many_random_cases_each_slashed_account_ends_a_slash_below_its_new_pay()
    {
        var random = new Random(18);
        string[] roles = [AppealFiled.Contributor, AppealFiled.Reviewer, AppealFiled.Audit];
        for (var n = 0; n < 2_000; n++)
        {
            var policy = Policy with
            {
                BasePerKind = new Dictionary<string, BigInteger> { ["data"] = random.NextInt64(0, long.MaxValue) * (BigInteger)random.Next(1, 1_000) },
                ValidatorShareBasisPoints = random.Next(0, 10_001),
                SlashBasisPoints = random.Next(0, RewardPolicy.MaxSlashBasisPoints + 1),
            };
            var firstRound = Reviews(random, 1, random.Next(1, 6));
            var panel = Reviews(random, 10, random.Next(1, 8));
            var remeasured = firstRound.Select(r => r with { Clipped = random.Next(3) == 0 }).ToList();
            var (_, paidBefore) = ValidatorPay.Divide(policy.ValidatorPoolFor("data"), firstRound);
            var role = roles[random.Next(roles.Length)];
            var first = new AppealSettlement.FirstCredit(Contributor, "data", RewardEvidence.Consensus, 0, 0, false, paidBefore);

            var settled = AppealSettlement.Settle(policy, first, Decided(random.Next(0, 101), panel, remeasured), role, firstRound);

            var slash = policy.ValidatorPoolFor("data") * policy.SlashBasisPoints / RewardPolicy.WholeShare;
            var expected = role == AppealFiled.Contributor || slash.IsZero ? [] : remeasured.Where(r => r.Clipped).Select(r => r.Validator).ToList();
            Assert.Equal(expected, settled.Slashes.Select(s => s.Validator));
            Assert.All(settled.Slashes, s => Assert.Equal(slash, TokenAmount.Parse(s.Amount)));
            var after = paidBefore.ToDictionary(l => l.Validator, l => TokenAmount.Parse(l.Amount));
            foreach (var line in settled.Lines)
                after[line.Account] = after.GetValueOrDefault(line.Account) + AppealSettlement.ParseSigned(line.Amount);
            // The first round's addresses are digits only, so they read the same checksummed.
            foreach (var validator in firstRound.Select(r => r.Validator))
                Assert.Equal(TokenAmount.Parse(settled.Validators.FirstOrDefault(l => l.Validator == validator)?.Amount ?? "0")
                    - (expected.Contains(validator) ? slash : 0), after.GetValueOrDefault(validator));
        }
    }

    private static List<ScoredReview> Reviews(Random random, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => new ScoredReview(V(i), random.Next(0, 101), "accept",
            random.Next(10) == 0 ? 0m : Math.Round((decimal)random.NextDouble(), 6), random.Next(4) == 0))];
}
