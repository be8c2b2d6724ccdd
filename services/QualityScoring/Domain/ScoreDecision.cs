using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Turns a case into its final score under its policy (rule in <see cref="ScoreComponents"/>), and the reputation moves
/// that the consensus causes. Pure: the caller loads the case, the policy and the reviewers' current reputations.
/// </summary>
public static class ScoreDecision
{
    public const string ExactDuplicate = "exact-duplicate";
    public const string NearDuplicate = "near-duplicate";
    public const string NoValidators = "no-validators";
    public const string NoQuorum = "no-quorum";
    public const string RejectedByConsensus = "rejected-by-consensus";
    /// <summary><see cref="ReputationChanged.Reason"/> of a commitment never revealed.</summary>
    public const string Unrevealed = "unrevealed";

    public sealed record Outcome(ContributionScored Scored, IReadOnlyList<ReputationChanged> Reputation);

    /// <summary>Duplicates are refused outright and cost no validator time; so is everything when nobody can review.</summary>
    public static ContributionScored? Immediate(AutomatedChecksCompleted checks, ScoringPolicyPublished policy, int reviewers, DateTimeOffset now)
    {
        List<string> flags = [];
        if (checks.DuplicateOf is not null)
            flags.Add(ExactDuplicate);
        if (checks.NearDuplicateOf is not null)
            flags.Add(NearDuplicate);
        if (flags.Count > 0)
            return Scored(checks, policy, 0, new(checks.Score, null, null, policy.AutomatedWeight, flags, checks.DuplicateOf,
                checks.NearDuplicateOf, checks.NearDuplicateOf is null ? null : checks.NearDuplicateSimilarity), [], null, now);
        if (reviewers == 0)
            return Scored(checks, policy, checks.Score,
                new(checks.Score, null, null, policy.AutomatedWeight, ["fallback:" + NoValidators]), [], NoValidators, now);
        return null;
    }

    /// <summary>
    /// Finalises an assigned case: by consensus when at least the quorum reviewed, otherwise by the fallback (the
    /// automated score, flagged). <paramref name="reputations"/> holds each reviewer's reputation now.
    /// </summary>
    public static Outcome Finalise(ScoringCase @case, ScoringPolicyPublished policy, IReadOnlyDictionary<string, decimal> reputations, DateTimeOffset now)
    {
        var assignment = @case.Assignment ?? throw new InvalidOperationException($"case {@case.Id} has no reviewers");
        var checks = @case.Checks;
        // A sealed review never opened is the cheapest way to look busy and to hide a review that turned out far from
        // the others: it moves reputation as a review with no agreement at all would.
        var unrevealed = @case.Committed
            .Where(c => !@case.Reviews.Any(r => string.Equals(r.Validator, c.Validator, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.Validator, StringComparer.Ordinal)
            .Select(c => new ReputationChanged(c.Validator, @case.Id, reputations[c.Validator],
                Consensus.NextReputation(reputations[c.Validator], 0m, policy), 0m, policy.Version, now, Unrevealed))
            .ToList();
        if (@case.Reviews.Count < assignment.Quorum)
            return new(Scored(checks, policy, checks.Score,
                new(checks.Score, null, null, policy.AutomatedWeight, ["fallback:" + NoQuorum]), [], NoQuorum, now), unrevealed);

        var weights = assignment.Reviewers.ToDictionary(r => r.Validator, r => r.Reputation, StringComparer.OrdinalIgnoreCase);
        var consensus = Consensus.Compute(
            @case.Reviews.Select(r => new Consensus.Review(r.Validator, r.Score, r.Verdict, weights[r.Validator])).ToList(),
            policy.ClipDistance);
        var rejected = consensus.Verdict == Consensus.Reject;
        var score = rejected ? 0 : (policy.AutomatedWeight * checks.Score + (100 - policy.AutomatedWeight) * consensus.Score + 50) / 100;
        var components = new ScoreComponents(checks.Score, consensus.Score, consensus.Verdict, policy.AutomatedWeight,
            rejected ? [RejectedByConsensus] : []);

        var moves = consensus.Reviews.Select(r =>
        {
            var previous = reputations[r.Validator];
            var agreement = Consensus.Agreement(r.Score, consensus.Score, policy.ClipDistance);
            return new ReputationChanged(r.Validator, @case.Id, previous, Consensus.NextReputation(previous, agreement, policy),
                agreement, policy.Version, now);
        }).ToList();
        return new(Scored(checks, policy, score, components, consensus.Reviews, null, now), [.. moves, .. unrevealed]);
    }

    private static ContributionScored Scored(AutomatedChecksCompleted checks, ScoringPolicyPublished policy, int score,
        ScoreComponents components, IReadOnlyList<ScoredReview> reviews, string? fallback, DateTimeOffset now) =>
        new(checks.ContributionId, checks.Contributor, checks.Kind, score, policy.Version, now, components, reviews, fallback);
}
