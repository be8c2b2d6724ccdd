using CommunityAI.Benchmarks.ReviewGame;

namespace CommunityAI.ReviewGame.Tests;

/// <summary>
/// Attackers against honest validators, decided by the scoring domain's own assignment, consensus and reputation and the
/// ledger's validator pay (benchmarks/ReviewGame). Every dishonest strategy must earn less per unit of work than honest
/// work; where one does not, the test says so by name.
/// </summary>
[Trait("Category", "ReviewGame")]
public sealed class ReviewGameTests(GameResults games) : IClassFixture<GameResults>
{
    public static TheoryData<int> Seeds => [.. GameResults.Seeds];

    [Theory, MemberData(nameof(Seeds))]
    public void Copying_and_lazy_validators_earn_well_under_half_and_lose_reputation(int seed)
    {
        var game = games.BySeed[seed];
        var honest = game.Of(Strategy.Honest);
        foreach (var strategy in new[] { Strategy.CopyAutomated, Strategy.CopyLastConsensus, Strategy.NeverReveal, Strategy.RevealRandom })
        {
            var cheat = game.Of(strategy);
            Assert.True(cheat.Assigned > 0, $"{strategy} was never drawn: the game tests nothing");
            Assert.True(cheat.PayPerReview < honest.PayPerReview / 2, $"{strategy}: {cheat.PayPerReview} per review against honest {honest.PayPerReview}");
            Assert.True(cheat.MeanReputation < honest.MeanReputation * 0.7m, $"{strategy}: reputation {cheat.MeanReputation} against honest {honest.MeanReputation}");
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public void A_validator_that_never_reveals_is_paid_nothing_and_sinks_to_the_floor(int seed)
    {
        var lazy = games.BySeed[seed].Of(Strategy.NeverReveal);
        Assert.Equal(0, lazy.Revealed);
        Assert.Equal(0m, lazy.PayTokens);
        Assert.True(lazy.MeanReputation <= 0.07m, $"reputation {lazy.MeanReputation}");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void The_Sybil_earns_under_half_an_honest_contributors_reward_per_contribution(int seed)
    {
        var game = games.BySeed[seed];
        var sybil = game.Contributor("sybil");
        var honest = game.Contributor("honest");
        Assert.True(sybil.Contributions > 50);
        Assert.True(sybil.RewardPerContribution < honest.RewardPerContribution / 2,
            $"the Sybil's junk earns {sybil.RewardPerContribution} a contribution, honest work {honest.RewardPerContribution}");
    }

    /// <summary>
    /// The seed is fixed after acceptance: grinding nonces against anything the Sybil can know before signing gets it no
    /// more majorities than a nonce at random (within three standard errors), while against a seed known at signing
    /// (the contribution id alone) it gets one nearly every time.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Grinding_nonces_gets_the_Sybil_no_more_of_its_own_reviewers_than_chance(int seed)
    {
        var grinding = games.BySeed[seed].Grinding;
        var standardError = (decimal)Math.Sqrt((double)(grinding.Chance * (1 - grinding.Chance)) / grinding.Contributions);
        Assert.InRange(grinding.Achieved, 0, grinding.Chance + 3 * standardError);
        Assert.True(grinding.IfSeedKnown >= 0.9m, $"with the seed known, grinding reached a majority in {grinding.IfSeedKnown:P0} only");
        Assert.True(grinding.IfSeedKnown > grinding.Chance * 3);
    }

    /// <summary>
    /// A pair that inflates each other's work just inside the clipping distance is never clipped, so it keeps its pay, and
    /// what the inflation buys on its own contributions stays within 2% of what the same work earns honestly (99.6–100.8%
    /// over seeds 1–10 and 17 with audit rounds, 99.1–101.9% with appeals alone; how much depends on how often the two are
    /// drawn for each other's work, and appeals, which need a clipped honest reviewer, do not reach it, while an audit's
    /// panel moves little from a score inflated within the clip): it comes out about even, not ahead by anything worth the risk.
    /// (It usually ends with a lower reputation than honest validators too, but not in every game, so that is not asserted.)
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void A_colluding_pair_gains_no_more_than_two_percent(int seed)
    {
        var game = games.BySeed[seed];
        var honest = game.Of(Strategy.Honest);
        var pair = game.Of(Strategy.Colluder);
        var work = game.Contributor("colluders");
        var take = pair.PayTokens + work.RewardTokens;
        var honestTake = honest.PayPerReview * pair.Assigned + work.HonestReviewRewardTokens;
        Assert.True(take <= honestTake * 1.02m, $"the pair took {take}, the same work honestly {honestTake}");
    }

    /// <summary>
    /// The sharper measure: against the same two validators reviewing their partner's cases as they saw them (same draws,
    /// same noise), the inflation buys the pair 0.01–0.68% of its whole take over seeds 1–10 and 17: it is ahead in every
    /// game, by less than one percent. The score it buys is worth a little more than the agreement pay it forgoes on the
    /// 2–7 cases it inflates before the draw keeps it from its partner. Asserted as measured, so a rule that closes the gap
    /// shows here; the forgone pay must be real, or the game measures nothing.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Against_its_own_straight_reviews_the_pair_gains_under_one_percent(int seed)
    {
        var game = games.BySeed[seed];
        var pair = game.Of(Strategy.Colluder);
        var work = game.Contributor("colluders");
        Assert.True(pair.StraightPayTokens > pair.PayTokens, $"straight reviews would have paid {pair.StraightPayTokens}, inflated ones paid {pair.PayTokens}");
        Assert.True(work.HonestReviewRewardTokens < work.RewardTokens, "the inflation bought the pair's contributions nothing");
        var take = pair.PayTokens + work.RewardTokens;
        var straight = pair.StraightPayTokens + work.HonestReviewRewardTokens;
        Assert.InRange(take / straight, 0.99m, 1.01m);
    }

    /// <summary>
    /// Appeals narrow the Sybil's validators' edge: without them they earn as much as honest ones per review or more
    /// (99.5–108% over seeds 1–10 and 17), since where they hold a majority of a case's reviewers their inflated scores are
    /// the consensus and the honest minority is clipped; the clipped honest reviewer's appeal sends the case to a fresh
    /// panel of five, which re-clips them and re-divides the pool: 78–101%. What is left are the cases no honest reviewer
    /// can appeal.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Appeals_cut_the_Sybil_validators_edge_by_two_points(int seed)
    {
        var appealed = games.AppealsOnly[seed];
        Assert.Equal(0, appealed.Audits.Filed);
        Assert.True(appealed.Appeals.InflatedAppealed > 0, "no inflated case was appealed: the game tests nothing");
        var with = appealed.Of(Strategy.Sybil).PayPerReview / appealed.Of(Strategy.Honest).PayPerReview;
        var unappealed = games.WithoutAppeals[seed];
        Assert.Equal(0, unappealed.Appeals.Filed);
        var without = unappealed.Of(Strategy.Sybil).PayPerReview / unappealed.Of(Strategy.Honest).PayPerReview;

        Assert.InRange(without, 0.98m, 1.10m);
        Assert.True(with <= 1.03m, $"with appeals the Sybil's validators earn {with:P1} of honest pay per review");
        Assert.True(with < without - 0.02m, $"appeals moved the Sybil's validators from {without:P1} to {with:P1} of honest pay per review");
    }

    /// <summary>
    /// As the service runs (appeals and audit rounds for the policy's default share, 1,000 bp), no dishonest validator
    /// strategy earns as much per assigned review as honest work: over seeds 1–10 and 17 the Sybil's validators earn 78.3–93.7%
    /// and the colluding pair 87.5–99.5% of honest pay per review with the default slash (93.9–99.8% and 84.9–99.4% without;
    /// README, "Review under attack", also says what this margin rests on).
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void With_audit_rounds_no_dishonest_validator_earns_as_much_per_review_as_honest(int seed)
    {
        var game = games.BySeed[seed];
        Assert.True(game.Audits.Filed > 30, $"only {game.Audits.Filed} audit rounds: the game tests nothing");
        var honest = game.Of(Strategy.Honest).PayPerReview;
        foreach (var cheat in game.Validators.Where(v => v.Strategy != Strategy.Honest))
            Assert.True(cheat.PayPerReview < honest, $"{cheat.Strategy}: {cheat.PayPerReview} per review against honest {honest}");
    }

    /// <summary>
    /// The slash (the policy's default, a whole case pool for each first-round review an audit round or a reviewer's appeal
    /// overturns) puts the Sybil's validators well behind: over seeds 1–10 and 17 they fall from 93.9–99.8% to 78.3–93.7% of
    /// honest pay per review, at least 4 points in every game. Copiers and random revealers, overturned most often, fall
    /// furthest (some below zero: a debit the claim never shows), though not each in every game: one that is rarely
    /// overturned (seed 3's copier of the last consensus, seed 5's of the automated score) gains under a point on honest
    /// work, whose pay the slash lowers too.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void The_slash_puts_the_Sybils_validators_at_least_four_points_further_behind(int seed)
    {
        var slashed = games.WithoutLeanRule[seed];
        var unslashed = games.WithoutSlash[seed];
        decimal Ratio(GameResult game, Strategy strategy) => game.Of(strategy).PayPerReview / game.Of(Strategy.Honest).PayPerReview;

        Assert.True(slashed.Of(Strategy.Sybil).Slashed > 0, "no Sybil review was slashed: the game tests nothing");
        Assert.True(Ratio(slashed, Strategy.Sybil) < Ratio(unslashed, Strategy.Sybil) - 0.04m,
            $"the slash moved the Sybil's validators from {Ratio(unslashed, Strategy.Sybil):P1} to {Ratio(slashed, Strategy.Sybil):P1} of honest pay per review");
        // Copiers and random revealers together: overturned most often, they lose the most.
        Strategy[] cheats = [Strategy.CopyAutomated, Strategy.CopyLastConsensus, Strategy.RevealRandom];
        Assert.True(cheats.Sum(c => Ratio(slashed, c)) < cheats.Sum(c => Ratio(unslashed, c)) - 0.1m);
    }

    /// <summary>
    /// Honest reviewers clipped by their own noise are slashed too, rarely: under 1% of their reviews, and their pay per
    /// review falls by under 4% (0.8–3.0% over seeds 1–10 and 17); honest work still leads every dishonest strategy.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Honest_validators_lose_under_four_percent_to_the_slash_and_still_lead(int seed)
    {
        var slashed = games.WithoutLeanRule[seed].Of(Strategy.Honest);
        var unslashed = games.WithoutSlash[seed].Of(Strategy.Honest);

        Assert.True(slashed.Slashed < slashed.Assigned / 100, $"{slashed.Slashed} of {slashed.Assigned} honest reviews slashed");
        Assert.InRange(slashed.PayPerReview / unslashed.PayPerReview, 0.96m, 1m);
        // And in the game as the service now plays it, the lean rule on.
        var game = games.BySeed[seed];
        Assert.All(game.Validators.Where(v => v.Strategy != Strategy.Honest), v => Assert.True(v.PayPerReview < game.Of(Strategy.Honest).PayPerReview, v.Strategy.ToString()));
    }

    /// <summary>
    /// The audit draw is the policy's share and nothing else: about one case in ten is audited at 1,000 bp (within three
    /// standard errors over the consensus-scored cases), none at 0.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Audit_rounds_open_for_the_policys_share_of_cases(int seed)
    {
        var game = games.BySeed[seed];
        var scored = game.Cases - game.FallbackCases;
        var expected = scored * 0.1;
        var error = Math.Sqrt(scored * 0.1 * 0.9);
        Assert.InRange(game.Audits.Filed, expected - 3 * error, expected + 3 * error);
        Assert.Equal(0, games.AppealsOnly[seed].Audits.Filed);
    }

    /// <summary>
    /// What appeals leave of the Sybil's gain on its own junk: the cases where no honest validator is in the clipped
    /// minority (its own validators alone, or with a copier or a lazy reviewer) are never appealed, so its junk still
    /// earns more than the same cases reviewed honestly (1.4–3.0 times over seeds 1–10 and 17, against 2.5–6.2 times in
    /// the same games without appeals), and a quarter less or more per contribution than without appeals.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Appeals_cut_what_the_Sybils_junk_earns_by_a_quarter_or_more(int seed)
    {
        var with = games.AppealsOnly[seed].Contributor("sybil");
        var without = games.WithoutAppeals[seed].Contributor("sybil");
        Assert.True(with.RewardPerContribution < without.RewardPerContribution * 0.75m,
            $"the Sybil's junk earned {with.RewardPerContribution} a contribution with appeals, {without.RewardPerContribution} without");
    }

    /// <summary>
    /// Why audits targeted at a reviewer's lean (<c>leanAuditPoints</c>) are off by default: at 10 points they fire (9–15 more
    /// audit rounds a game over seeds 1–10 and 17), but the colluding pair inflates only 2–7 cases a game, few of which the
    /// rule reaches, while every targeted audit divides its case's pool among eight reviewers. Honest pay per review falls
    /// in every game, and the pair's ratio to it moves either way (README, "Review under attack").
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Lean_audits_fire_but_cost_honest_work_in_every_game(int seed)
    {
        var with = games.WithLean[seed];
        var without = games.BySeed[seed];
        Assert.Equal(0, without.Targeted.Filed);
        Assert.True(with.Targeted.Filed > 0, "no targeted audit: the rule was not played");
        Assert.True(with.Of(Strategy.Honest).PayPerReview < without.Of(Strategy.Honest).PayPerReview,
            $"honest pay per review {without.Of(Strategy.Honest).PayPerReview} without lean audits, {with.Of(Strategy.Honest).PayPerReview} with");
    }

    /// <summary>
    /// Why the draw's lean rule (<c>leanExclusionPoints</c>) is on by default: over 2,400 cases a colluder that inflates its
    /// partner's work just inside the clip is kept from it after two kept reviews, so the pair inflates well under two thirds
    /// as many cases (13–26 without the rule, 4–13 with it over seeds 1–10 and 17), while honest validators keep their pay
    /// per review (no review is added, only who reviews whom changes) and few honest validator–contributor pairs are kept
    /// apart by their noise (README, "Review under attack").
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void The_lean_rule_keeps_the_colluders_from_their_partner_at_no_cost_to_honest_pay(int seed)
    {
        var with = games.Long[seed];
        var without = games.LongWithoutExclusion[seed];
        Assert.Empty(without.ExcludedPairs);
        Assert.True(with.ExcludedPairs.GetValueOrDefault(Strategy.Colluder) > 0, "no colluder kept from its partner: the rule was not played");
        Assert.True(with.Targeted.InflatedCases * 10 <= without.Targeted.InflatedCases * 6,
            $"the pair inflated {without.Targeted.InflatedCases} cases without the rule, {with.Targeted.InflatedCases} with it");
        var honestWithout = without.Of(Strategy.Honest).PayPerReview;
        var honestWith = with.Of(Strategy.Honest).PayPerReview;
        Assert.True(Math.Abs(honestWith / honestWithout - 1) < 0.03m, $"honest pay per review {honestWithout} without the rule, {honestWith} with");
        // 20 honest validators and 40 honest contributors: 800 pairs; noise keeps under 3% of them apart.
        Assert.True(with.ExcludedPairs.GetValueOrDefault(Strategy.Honest) < 24, $"{with.ExcludedPairs.GetValueOrDefault(Strategy.Honest)} honest pairs kept apart");
    }

    /// <summary>
    /// Where the pair's gain comes from (README, "Review under attack"). Over seeds 1–10 and 17 it inflated 41 cases: 39 with
    /// three reviews revealed, where the lower median moves from the middle score to the higher of the other two, and the
    /// inflated score is the consensus only when another reviewer scored as high (5 cases: a copier, or a Sybil's validator
    /// seeing high); 2 with two (the third never revealed), where the heavier review is the consensus, and the inflated one
    /// was the heavier both times. The three-review cases netted the pair 5.08 tokens, the two-review ones 3.34, and 9 of
    /// the 11 games had no two-review case, so no rule for two reviews alone puts the pair behind. Every case is accounted,
    /// and the agreement pay the inflation forwent is all the straight reviews would have been paid beyond it.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Each_case_the_pair_inflated_is_accounted_by_its_reviews(int seed)
    {
        var game = games.BySeed[seed];
        var pair = game.Of(Strategy.Colluder);
        Assert.Equal(game.Targeted.InflatedCases, game.Collusion.Sum(c => c.Cases));
        Assert.All(game.Collusion, c => Assert.InRange(c.Reviews, 2, game.Settings.ReviewersPerContribution));
        Assert.Equal(pair.StraightPayTokens - pair.PayTokens, game.Collusion.Sum(c => c.PayForgoneTokens), 6);
        var three = game.Collusion.Single(c => c.Reviews == 3);
        Assert.True(three.Cases > game.Collusion.Where(c => c.Reviews == 2).Sum(c => c.Cases), "most inflated cases have three reviews");
        Assert.True(three.Decided * 2 < three.Cases, $"the inflated score was the consensus of {three.Decided} of {three.Cases} three-review cases");
        Assert.True(game.Collusion.Sum(c => c.ConsensusPoints) > 0, "the inflation bought no consensus points");
    }

    [Fact]
    public void The_same_seed_plays_the_same_game()
    {
        var again = Game.Play(new GameSettings(Seed: 17));
        Assert.Equal(GameTable.Markdown(games.BySeed[17]), GameTable.Markdown(again));
    }
}
