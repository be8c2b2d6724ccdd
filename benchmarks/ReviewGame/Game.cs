using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Epochs;

namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>
/// Attackers against honest validators over a few pay epochs, decided by the service's own code: candidates and the draw
/// (<see cref="ReviewerSelection"/>) from the seed of the contribution's round (<see cref="AssignmentSeed"/>), the case
/// (<see cref="ScoringCase"/>) with its commitments and reveals, consensus, clipping, reputation and the unrevealed penalty
/// (<see cref="ScoreDecision.Finalise"/>), the floor and removal (<see cref="ValidatorView"/>), the contributor's reward
/// (<see cref="RewardPolicy"/>) and the validators' pay (<see cref="ValidatorPay"/>); with appeals on, an honest validator
/// whose review the consensus clipped appeals, and the appeal runs as the service runs it: the panel
/// (<see cref="AppealDecision.Panel"/>), its decision and the first round's reputation moves (<see cref="AppealDecision.Decide"/>),
/// and the ledger's settlement of pay and reward (<see cref="AppealSettlement"/>); the policy's share of cases gets an audit
/// round by the service's draw (<see cref="AuditDraw"/>), run by the same code as an appeal. The game only decides what each
/// player does. Cases close one after another, so each draw sees the reputations the earlier cases left.
/// </summary>
public static class Game
{
    private const string Kind = "data";
    private const int SybilInflated = 95;

    public static GameResult Play(GameSettings settings)
    {
        // Three streams: the contributions (who submits, true quality), the round secrets and first-round noise, and the
        // panels' noise. A game with appeals then plays the same contributions under the same secrets as the same seed
        // without, and differs by what the appeals did (reputations, hence later draws), not by luck.
        var random = new Random(settings.Seed);
        var submissions = new Random(unchecked(settings.Seed * 7919 + 1));
        var panelRandom = new Random(unchecked(settings.Seed * 7919 + 2));
        var scoring = new ScoringOptions
        {
            MaxReviewsPerValidatorPerEpoch = settings.MaxReviewsPerValidatorPerEpoch,
            ReviewersPerContribution = settings.ReviewersPerContribution,
            Quorum = settings.Quorum,
            AppealReviewers = settings.AppealReviewers,
            AuditBasisPoints = settings.AuditBasisPoints,
            LeanAuditPoints = settings.LeanAuditPoints,
            LeanExclusionPoints = settings.LeanExclusionPoints,
        };
        var genesis = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var policy = scoring.ToPolicy(genesis);
        var reward = RewardPolicy.Initial with { ValidatorShareBasisPoints = settings.ValidatorShareBasisPoints, SlashBasisPoints = settings.SlashBasisPoints };
        var epochs = new EpochOptions { Genesis = genesis, Length = TimeSpan.FromDays(1) };

        var players = Players(settings, policy, genesis);
        var byAddress = players.ToDictionary(p => p.Address, StringComparer.OrdinalIgnoreCase);
        var sybil = AddressOf("sybil-contributor");
        var colluders = players.Where(p => p.Strategy == Strategy.Colluder).Select(p => p.Address).ToArray();
        var honestContributors = Enumerable.Range(0, 40).Select(i => AddressOf("contributor-" + i)).ToArray();

        var total = settings.Epochs * settings.ContributionsPerEpoch;
        var secrets = Enumerable.Range(0, total / settings.ContributionsPerRound + 2).Select(_ => Bytes(random, 32)).ToArray();
        var groups = new Dictionary<string, (int Count, long ScoreSum, BigInteger Reward, BigInteger HonestReward)>
        {
            ["honest"] = default, ["sybil"] = default, ["colluders"] = default,
        };
        var earned = new Dictionary<(string, long), BigInteger>();
        int sybilCases = 0, achieved = 0, ifSeedKnown = 0, fallbacks = 0;
        var appeals = new Dictionary<string, int> { [AppealDecision.Changed] = 0, [AppealDecision.Upheld] = 0, [AppealDecision.NoQuorum] = 0 };
        var audited = new Dictionary<string, int>(appeals);
        var targeted = new Dictionary<string, int>(appeals);
        var leans = new Dictionary<string, ReviewerLean>(StringComparer.Ordinal);
        var exclusions = new HashSet<(Strategy Strategy, string Validator, string Contributor)>();
        int colluded = 0, colludedAudited = 0, targetedHonest = 0;
        int inflated = 0, inflatedAppealed = 0, inflatedAudited = 0;
        var collusion = new SortedDictionary<int, (int Cases, int Decided, int Points, BigInteger Reward, BigInteger Pay)>();
        decimal chance = 0;
        int? lastConsensus = null;

        for (var i = 0; i < total; i++)
        {
            var now = genesis + TimeSpan.FromDays(i / settings.ContributionsPerEpoch)
                + TimeSpan.FromSeconds(i % settings.ContributionsPerEpoch * 60);
            var epoch = epochs.EpochAt(now);
            var round = i / settings.ContributionsPerRound;
            var pick = submissions.NextDouble();
            var (group, contributor, quality) =
                pick < settings.SybilShare ? ("sybil", sybil, submissions.Next(0, 21))
                : pick < settings.SybilShare + settings.ColluderShare ? ("colluders", colluders[submissions.Next(colluders.Length)], submissions.Next(30, 96))
                : ("honest", honestContributors[submissions.Next(honestContributors.Length)], submissions.Next(30, 96));

            var selectable = players.Where(p => !p.Removed)
                .Select(p => new ReviewerSelection.Validator(p.Address, p.View.Reputation, now, p.AssignedIn(epoch))).ToList();
            // The service's draw leaves out the validators who favour this contributor (LeanExclusion), as its tallies stand.
            var excluded = LeanExclusion.Excluded(leans.Values.Where(t => string.Equals(t.Contributor, contributor, StringComparison.OrdinalIgnoreCase)),
                policy.LeanExclusionPoints ?? LeanExclusion.None);
            foreach (var validator in excluded)
                exclusions.Add((byAddress[validator].Strategy, validator, contributor.ToLowerInvariant()));
            var candidates = ReviewerSelection.Candidates(contributor, LeanExclusion.Drawable(selectable, excluded), policy.ReviewersPerContribution,
                now - scoring.LivenessWindow, settings.MaxReviewsPerValidatorPerEpoch);

            string id;
            if (group == "sybil")
            {
                // Grinding: the Sybil signs the nonce whose draw, under the last seed it could know (the previous round's
                // revealed secret), gives it the most reviewers of its own. The real draw uses this round's secret.
                var own = (IReadOnlyList<AssignedReviewer> drawn) => drawn.Count(r => byAddress[r.Validator].Strategy == Strategy.Sybil);
                var majority = policy.ReviewersPerContribution / 2 + 1;
                var ids = Enumerable.Range(0, settings.GrindAttempts).Select(n => IdOf(contributor, i, n)).ToList();
                var known = round == 0 ? new byte[32] : secrets[round - 1];
                id = ids.MaxBy(n => own(ReviewerSelection.Select(AssignmentSeed.For(Hex.Encode(known), n), candidates, policy.ReviewersPerContribution)))!;
                chance += (decimal)ids.Count(n => own(Draw(secrets[round], n, candidates, policy)) >= majority) / ids.Count;
                if (ids.Any(n => own(ReviewerSelection.Select(SHA256.HashData(Hex.Decode(n, 32)), candidates, policy.ReviewersPerContribution)) >= majority))
                    ifSeedKnown++;
                sybilCases++;
                if (own(Draw(secrets[round], id, candidates, policy)) >= majority)
                    achieved++;
            }
            else
                id = IdOf(contributor, i, 0);

            var seed = AssignmentSeed.For(Hex.Encode(secrets[round]), id);
            var reviewers = ReviewerSelection.Select(seed, candidates, policy.ReviewersPerContribution);
            var checks = new AutomatedChecksCompleted(id, contributor, Kind, Hex.Encode(SHA256.HashData(Hex.Decode(id, 32))), "ipfs://game/" + i,
                4096, 4096, policy.Version, null, null, null, [], settings.AutomatedScore, now);
            foreach (var reviewer in reviewers)
                byAddress[reviewer.Validator].Assign(epoch);

            if (ScoreDecision.Immediate(checks, policy, reviewers.Count, now) is { } immediate)
            {
                fallbacks++;
                Credit(immediate, null);
                continue;
            }
            var assigned = new ReviewersAssigned(id, reviewers, candidates.Count, Math.Min(policy.Quorum, reviewers.Count),
                now + policy.ReviewWindow, policy.Version, now, round, Hex.Encode(seed), candidates, now + scoring.CommitWindow);
            var sybilHolds = group == "sybil"
                && reviewers.Count(r => byAddress[r.Validator].Strategy == Strategy.Sybil) > reviewers.Count / 2;
            var reviews = reviewers.Select(r =>
            {
                var player = byAddress[r.Validator];
                var (played, seen) = player.Review(random, quality, contributor, colluders, sybilHolds, settings.AutomatedScore, lastConsensus, policy,
                    settings.ColluderInflation);
                return (Player: player, Review: played, Seen: seen);
            }).ToList();
            var @case = Close(ScoringCase.Create(checks).Apply(assigned), reviews.Select(r => (r.Player.Address, r.Review)), now);
            var outcome = ScoreDecision.Finalise(@case, policy, reviews.ToDictionary(r => r.Player.Address, r => r.Player.View.Reputation,
                StringComparer.OrdinalIgnoreCase), now);

            // The counterfactual: the same reviewers, the group's own reviewing honestly.
            ContributionScored? honestly = null;
            if (group != "honest")
            {
                var straight = reviews.Select(r => (r.Player.Address, Review: r.Player.Strategy is Strategy.Sybil or Strategy.Colluder
                    ? r.Seen : r.Review));
                honestly = ScoreDecision.Finalise(Close(ScoringCase.Create(checks).Apply(assigned), straight, now), policy,
                    reviews.ToDictionary(r => r.Player.Address, r => r.Player.View.Reputation, StringComparer.OrdinalIgnoreCase), now).Scored;
            }

            foreach (var (player, _, _) in reviews.Where(r => r.Review is not null))
                player.Revealed(@case.Reviews.Single(s => s.Validator == player.Address));
            foreach (var change in outcome.Reputation)
                byAddress[change.Validator].Moved(change, policy.ReputationFloor, settings.RemovalAfterFloorRounds);
            var scored = outcome.Scored;
            IReadOnlyList<ValidatorReward> paidLines = [];
            var casePayForgone = BigInteger.Zero;
            if (scored.Fallback is null)
            {
                lastConsensus = scored.Components?.ConsensusScore;
                paidLines = ValidatorPay.Divide(reward.ValidatorPoolFor(Kind), scored.Reviews!).Lines;
                foreach (var line in paidLines)
                    byAddress[line.Validator].Pay += TokenAmount.Parse(line.Amount);
                foreach (var review in scored.Reviews!.Where(r => r.Clipped))
                    byAddress[review.Validator].Clipped++;
                if (honestly is { Fallback: null })
                {
                    // The pay the bending reviewers forwent or gained on this case: the same pool divided by the straight
                    // case's reviews (their agreements with its consensus), against what was paid.
                    var straightLines = ValidatorPay.Divide(reward.ValidatorPoolFor(Kind), honestly.Reviews!).Lines;
                    foreach (var (player, played, seen) in reviews.Where(r => r.Review is { } p && p != r.Seen))
                    {
                        var forgone = AmountOf(straightLines, player.Address) - AmountOf(paidLines, player.Address);
                        player.StraightPayDelta += forgone;
                        casePayForgone += player.Strategy == Strategy.Colluder ? forgone : 0;
                    }
                }
            }
            else
                fallbacks++;
            var (earnedBefore, credited, straightCredit) = Credit(scored, honestly);
            if (sybilHolds)
                inflated++;
            // The pair inflates a case when one of them reviews the other's work.
            var pairInflates = group == "colluders" && reviews.Any(r => r.Player.Strategy == Strategy.Colluder && r.Review is not null);
            if (pairInflates && scored.Fallback is null)
            {
                colluded++;
                if (honestly is { Fallback: null })
                {
                    var played = reviews.First(r => r.Player.Strategy == Strategy.Colluder && r.Review is not null).Review!.Value.Score;
                    var consensusNow = scored.Components!.ConsensusScore!.Value;
                    var c = collusion.GetValueOrDefault(scored.Reviews!.Count);
                    collusion[scored.Reviews!.Count] = (c.Cases + 1, c.Decided + (consensusNow == played ? 1 : 0),
                        c.Points + consensusNow - honestly.Components!.ConsensusScore!.Value, c.Reward + credited - straightCredit, c.Pay + casePayForgone);
                }
            }

            // An audit round when the policy's draw picks the case (from the secret of the round in progress at the close, which
            // no reviewer knows when committing); otherwise an honest reviewer the consensus clipped appeals (within its daily
            // allowance). Either way a panel of validators not in the first round, drawn by the service's rule, decides;
            // reputations move and pay and reward settle by the service's and the ledger's own rules.
            if (scored.Fallback is not null)
                continue;
            // The service tallies every consensus score's reviews into their reviewers' leans toward the contributor, and a
            // lean past the policy's points audits the case whatever the draw.
            var leanPoints = policy.LeanAuditPoints ?? LeanAudit.None;
            var leaning = false;
            if (LeanExclusion.Counts(policy))
            {
                var tallied = LeanAudit.Tally(scored, leans);
                foreach (var tally in tallied)
                    leans[tally.Id] = tally;
                leaning = LeanAudit.Targets(tallied, leanPoints);
            }
            // (A case closes in the round it was assigned in here, so that round's secret is the close's.)
            var drawn = AuditDraw.Drawn(Hex.Encode(secrets[round]), id, policy.AuditBasisPoints ?? AuditDraw.None);
            if (drawn || leaning)
            {
                var opened = SecondRound(AuditDraw.AppealIdFor(id), null, AppealFiled.Audit, drawn ? audited : targeted);
                if (opened && drawn && sybilHolds)
                    inflatedAudited++;
                if (opened && pairInflates)
                    colludedAudited++;
                if (opened && !drawn && reviews.All(r => r.Player.Strategy == Strategy.Honest))
                    targetedHonest++;
            }
            else if (settings.Appeals
                && scored.Reviews!.FirstOrDefault(r => r.Clipped && byAddress[r.Validator] is { Strategy: Strategy.Honest, Removed: false }) is { } grievance
                && byAddress[grievance.Validator].TakeAppeal(epoch, scoring.AppealsPerSigner))
            {
                var appellant = byAddress[grievance.Validator].Address;
                if (SecondRound(Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"appeal/{id}/{appellant}"))), appellant, AppealFiled.Reviewer, appeals) && sybilHolds)
                    inflatedAppealed++;
            }

            bool SecondRound(string appealId, string? appellant, string role, Dictionary<string, int> outcomes)
            {
                var closed = @case.Apply(scored);
                var available = players.Where(p => !p.Removed)
                    .Select(p => new ReviewerSelection.Validator(p.Address, p.View.Reputation, now, p.AssignedIn(epoch))).ToList();
                if (AppealDecision.Panel(closed, appealId, available, scoring.AppealReviewers, round, Hex.Encode(secrets[round]),
                        now - scoring.LivenessWindow, scoring.CommitWindow, scoring.ReviewWindow, now, settings.MaxReviewsPerValidatorPerEpoch,
                        appellant) is not { } panel)
                    return false;
                var filed = new AppealFiled(appealId, id, appellant ?? AppealFiled.AuditAppellant, appellant is null ? role : "clipped", "1", 0, "0x", scored.Score, now, role);
                foreach (var member in panel.Reviewers)
                    byAddress[member.Validator].Assign(epoch);
                var panelHolds = group == "sybil"
                    && panel.Reviewers.Count(r => byAddress[r.Validator].Strategy == Strategy.Sybil) > panel.Reviewers.Count / 2;
                var panelReviews = panel.Reviewers.Select(r => byAddress[r.Validator]).Select(p => (p.Address,
                    p.Review(panelRandom, quality, contributor, colluders, panelHolds, settings.AutomatedScore, lastConsensus, policy,
                    settings.ColluderInflation).Played)).ToList();
                var second = Close(closed.Apply(filed).Apply(panel), panelReviews, now);
                var (decided, moved) = AppealDecision.Decide(second, policy, reviews.Select(r => r.Player).Concat(panel.Reviewers.Select(r => byAddress[r.Validator]))
                    .ToDictionary(p => p.Address, p => p.View.Reputation, StringComparer.OrdinalIgnoreCase), now);
                outcomes[decided.Outcome]++;
                foreach (var review in second.Reviews)
                    byAddress[review.Validator].Revealed(review);
                foreach (var change in moved)
                    byAddress[change.Validator].Moved(change, policy.ReputationFloor, settings.RemovalAfterFloorRounds);
                foreach (var review in decided.Reviews.Where(r => r.Clipped))
                    byAddress[review.Validator].Clipped++;

                var settled = AppealSettlement.Settle(reward, new AppealSettlement.FirstCredit(contributor, Kind, RewardEvidence.Consensus,
                    earnedBefore, credited, false, paidLines), decided, role, scored.Reviews!);
                foreach (var line in settled.Lines.Where(l => !string.Equals(l.Account, contributor, StringComparison.OrdinalIgnoreCase)))
                    byAddress[line.Account].Pay += AppealSettlement.ParseSigned(line.Amount);
                foreach (var slash in settled.Slashes)
                    byAddress[slash.Validator].Slashed++;
                earned[(contributor, epoch)] += settled.ContributorDelta;
                var g = groups[group];
                groups[group] = (g.Count, g.ScoreSum + decided.FinalScore - decided.FirstScore, g.Reward + settled.ContributorDelta, g.HonestReward);
                return true;
            }

            (BigInteger Before, BigInteger Paid, BigInteger Straight) Credit(ContributionScored actual, ContributionScored? counterfactual)
            {
                var before = earned.GetValueOrDefault((contributor, epoch));
                var paid = reward.RewardFor(Kind, actual.Score, before, actual.Fallback is null ? RewardEvidence.Consensus : RewardEvidence.Automated);
                var straight = counterfactual is null ? paid
                    : reward.RewardFor(Kind, counterfactual.Score, before, counterfactual.Fallback is null ? RewardEvidence.Consensus : RewardEvidence.Automated);
                earned[(contributor, epoch)] = before + paid;
                var g = groups[group];
                groups[group] = (g.Count + 1, g.ScoreSum + actual.Score, g.Reward + paid, g.HonestReward + straight);
                return (before, paid, straight);
            }
        }

        var validators = Enum.GetValues<Strategy>().Select(s => players.Where(p => p.Strategy == s).ToList()).Where(p => p.Count > 0)
            .Select(p => new StrategyOutcome(p[0].Strategy, p.Count, p.Sum(v => v.Assigned), p.Sum(v => v.View.ReviewsSubmitted),
                p.Sum(v => v.Clipped), Tokens(p.Aggregate(BigInteger.Zero, (s, v) => s + v.Pay)),
                Math.Round(p.Average(v => v.View.Reputation), 3), p.Count(v => v.Removed), p.Sum(v => v.Slashed),
                p.Where(v => v.Assigned > 0).Select(v => Tokens(v.Pay) / v.Assigned).DefaultIfEmpty(0).Min(),
                Tokens(p.Aggregate(BigInteger.Zero, (s, v) => s + v.Pay + v.StraightPayDelta))))
            .ToList();
        var contributors = groups.Select(g => new ContributorOutcome(g.Key, g.Value.Count,
            g.Value.Count == 0 ? 0 : Math.Round((decimal)g.Value.ScoreSum / g.Value.Count, 1), Tokens(g.Value.Reward), Tokens(g.Value.HonestReward))).ToList();
        var grinding = new GrindingOutcome(sybilCases, Share(achieved, sybilCases), sybilCases == 0 ? 0 : Math.Round(chance / sybilCases, 3),
            Share(ifSeedKnown, sybilCases));
        return new GameResult(settings, validators, contributors, grinding, total, fallbacks,
            new AppealOutcome(appeals.Values.Sum(), appeals[AppealDecision.Changed], appeals[AppealDecision.Upheld], appeals[AppealDecision.NoQuorum],
                inflated, inflatedAppealed),
            new AppealOutcome(audited.Values.Sum(), audited[AppealDecision.Changed], audited[AppealDecision.Upheld], audited[AppealDecision.NoQuorum],
                inflated, inflatedAudited),
            new AppealOutcome(targeted.Values.Sum(), targeted[AppealDecision.Changed], targeted[AppealDecision.Upheld], targeted[AppealDecision.NoQuorum],
                colluded, colludedAudited), targetedHonest)
        {
            ExcludedPairs = exclusions.GroupBy(e => e.Strategy).ToDictionary(g => g.Key, g => g.Count()),
            Collusion = [.. collusion.Select(c => new CollusionOutcome(c.Key, c.Value.Cases, c.Value.Decided, c.Value.Points,
                Tokens(c.Value.Reward), Tokens(c.Value.Pay)))],
        };
    }

    private static BigInteger AmountOf(IReadOnlyList<ValidatorReward> lines, string validator) =>
        lines.Where(l => string.Equals(l.Validator, validator, StringComparison.OrdinalIgnoreCase))
            .Aggregate(BigInteger.Zero, (sum, l) => sum + TokenAmount.Parse(l.Amount));

    /// <summary>The case as it stands when it closes: every reviewer committed; those with a review revealed it.</summary>
    private static ScoringCase Close(ScoringCase @case, IEnumerable<(string Validator, (int Score, string Verdict)? Review)> reviews, DateTimeOffset now)
    {
        foreach (var (validator, review) in reviews)
        {
            @case = @case.Apply(new ReviewCommitted(@case.Id, validator, "0x", "1", 0, "0x", now));
            if (review is { } r)
                @case = @case.Apply(new ReviewSubmitted(@case.Id, validator, r.Score, r.Verdict, "2", 0, "0x", now));
        }
        return @case;
    }

    private static IReadOnlyList<AssignedReviewer> Draw(byte[] secret, string id, IReadOnlyList<AssignedReviewer> candidates, ScoringPolicyPublished policy) =>
        ReviewerSelection.Select(AssignmentSeed.For(Hex.Encode(secret), id), candidates, policy.ReviewersPerContribution);

    private static List<Player> Players(GameSettings settings, ScoringPolicyPublished policy, DateTimeOffset genesis)
    {
        var players = new List<Player>();
        // Every strategy's players see with noise spread evenly over 4–10 points (mean 7), so no strategy is luckier in its eyes.
        void Add(Strategy strategy, int count)
        {
            for (var n = 0; n < count; n++)
                players.Add(new Player(AddressOf($"{strategy}-{n}"), strategy, 4 + 6 * (n + 0.5) / count,
                    new ValidatorView(AddressOf($"{strategy}-{n}"), policy.ReputationStart, genesis, 0, 0, genesis)));
        }
        Add(Strategy.Honest, settings.HonestValidators);
        Add(Strategy.Sybil, settings.SybilValidators);
        foreach (var strategy in new[] { Strategy.CopyAutomated, Strategy.CopyLastConsensus, Strategy.NeverReveal, Strategy.RevealRandom })
            Add(strategy, settings.PerDishonestStrategy);
        Add(Strategy.Colluder, 2);
        return players;
    }

    private static string AddressOf(string name) => Address.Format(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 20));

    private static string IdOf(string contributor, int index, int nonce) =>
        Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"{contributor}/{index}/{nonce}")));

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static decimal Tokens(BigInteger amount) => (decimal)amount / (decimal)TokenAmount.OneToken;

    private static decimal Share(int part, int whole) => whole == 0 ? 0 : Math.Round((decimal)part / whole, 3);
}
