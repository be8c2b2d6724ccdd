using CommunityAI.Contracts;
using CommunityAI.Formats;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// The appeal's rules (stated in <see cref="AppealReviewersAssigned"/> and <see cref="AppealDecided"/>): who may sit on the
/// second round's panel, and how the panel's reviews decide the final score and move the first round's reviewers'
/// reputations. Pure: the caller loads the case, the validators, the round's secret and the reputations.
/// </summary>
public static class AppealDecision
{
    public const string Changed = "changed";
    public const string Upheld = "upheld";
    public const string NoQuorum = AppealDecided.NoQuorum;
    /// <summary><see cref="ReputationChanged.Reason"/> of a first-round reviewer measured against the appeal's consensus.</summary>
    public const string Appeal = "appeal";
    /// <summary><see cref="ReputationChanged.Reason"/> of the same measure when the second round was a random audit (nobody appealed).</summary>
    public const string Audit = "audit";

    /// <summary>
    /// The panel for an appeal, drawn from SHA-256(secret ‖ appealId) among the eligible validators (admitted, reputation
    /// above zero, under their epoch cap, live ones preferred) that are neither the contributor, nor any first-round reviewer,
    /// nor the appellant (who, allowed to appeal, is one of those already; named so the rule does not rest on that).
    /// Null when nobody is left to draw.
    /// </summary>
    public static AppealReviewersAssigned? Panel(ScoringCase @case, string appealId, IEnumerable<ReviewerSelection.Validator> validators,
        int panelSize, long round, string secret, DateTimeOffset liveSince, TimeSpan commitWindow, TimeSpan reviewWindow,
        DateTimeOffset now, int maxPerEpoch = 0, string? appellant = null)
    {
        var first = @case.Assignment ?? throw new InvalidOperationException($"case {@case.Id} has no first round");
        var used = new HashSet<string>(@case.EverAssigned, StringComparer.OrdinalIgnoreCase);
        if (appellant is not null)
            used.Add(appellant);
        var candidates = ReviewerSelection.Candidates(@case.Contributor, validators.Where(v => !used.Contains(v.Address)), panelSize, liveSince, maxPerEpoch);
        var seed = AssignmentSeed.For(secret, appealId);
        var panel = ReviewerSelection.Select(seed, candidates, panelSize);
        if (panel.Count == 0)
            return null;
        return new AppealReviewersAssigned(@case.Id, appealId, panel, panel.Count / 2 + 1, round, Hex.Encode(seed), candidates,
            now + commitWindow, now + reviewWindow, first.PolicyVersion, now);
    }

    /// <summary>
    /// The panel of an audit round nobody can sit on (every eligible validator reviewed the first round, contributed or is at
    /// its epoch cap): no reviewers from no candidates, from the same seed, a quorum of one that nobody can reach, so
    /// <see cref="Decide"/> leaves the first score standing at once. Recorded rather than skipped, so the history shows the
    /// audit the rule called for and how it ended; an auditor recomputes the empty draw as any other.
    /// </summary>
    public static AppealReviewersAssigned NobodyToAudit(ScoringCase @case, string appealId, long round, string secret,
        TimeSpan commitWindow, TimeSpan reviewWindow, DateTimeOffset now)
    {
        var first = @case.Assignment ?? throw new InvalidOperationException($"case {@case.Id} has no first round");
        return new AppealReviewersAssigned(@case.Id, appealId, [], 1, round, Hex.Encode(AssignmentSeed.For(secret, appealId)), [],
            now + commitWindow, now + reviewWindow, first.PolicyVersion, now);
    }

    /// <summary>
    /// Decides an appeal whose second round closed. With a quorum of reveals the panel's consensus decides (scored exactly
    /// as a first round is) and each first-round reviewer's reputation steps toward its agreement with that consensus;
    /// short of a quorum the first score stands. Panel members' moves (and the never-revealed penalty) are the first round's rule.
    /// </summary>
    public static (AppealDecided Decided, IReadOnlyList<ReputationChanged> Reputation) Decide(
        ScoringCase @case, ScoringPolicyPublished policy, IReadOnlyDictionary<string, decimal> reputations, DateTimeOffset now)
    {
        var first = @case.First ?? throw new InvalidOperationException($"case {@case.Id} is not in an appeal round");
        var appeal = @case.Appeal ?? throw new InvalidOperationException($"case {@case.Id} has no appeal");
        var round = ScoreDecision.Finalise(@case, policy, reputations, now);
        if (round.Scored.Fallback is not null)
            return (new AppealDecided(@case.Id, appeal.AppealId, @case.Contributor, first.Scored.Score, first.Scored.Score, NoQuorum, null, [],
                policy.Version, now, first.Scored.Reviews ?? []), round.Reputation);

        var consensus = round.Scored.Components!.ConsensusScore!.Value;
        var measured = first.Reviews.OrderBy(r => r.Validator, StringComparer.Ordinal).Select(r =>
        {
            var previous = reputations[r.Validator];
            var agreement = Consensus.Agreement(r.Score, consensus, policy.ClipDistance);
            return new ReputationChanged(r.Validator, @case.Id, previous, Consensus.NextReputation(previous, agreement, policy), agreement,
                policy.Version, now, appeal.AppellantRole == AppealFiled.Audit ? Audit : Appeal);
        });
        var final = round.Scored.Score;
        return (new AppealDecided(@case.Id, appeal.AppealId, @case.Contributor, first.Scored.Score, final,
            final == first.Scored.Score ? Upheld : Changed, round.Scored.Components, round.Scored.Reviews ?? [], policy.Version, now,
            Remeasured(first.Scored.Reviews ?? [], consensus, policy.ClipDistance)),
            [.. round.Reputation, .. measured]);
    }

    /// <summary>
    /// The first round's reviews as the panel's consensus clips them (<see cref="AppealDecided.FirstRound"/>): the clipping
    /// and agreement rules of a round's own consensus, applied with the panel's consensus in place of the round's median.
    /// The reputation stays the one at assignment, the weight the review had in its round, so the ledger pays it as it
    /// first did, times its agreement with the consensus that now decides.
    /// </summary>
    public static IReadOnlyList<ScoredReview> Remeasured(IReadOnlyList<ScoredReview> firstRound, int consensus, int clipDistance) =>
        [.. firstRound.Select(r => r with
        {
            Clipped = Math.Abs(r.Score - consensus) > clipDistance,
            Agreement = Consensus.Agreement(r.Score, consensus, clipDistance),
        })];
}
