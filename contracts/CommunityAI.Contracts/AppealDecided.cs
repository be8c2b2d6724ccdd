namespace CommunityAI.Contracts;

/// <summary>
/// An appeal's second round closed and decided the contribution's final score. Recorded by quality-scoring in stream
/// <c>scoring/{contributionId}</c>, with the second round's <see cref="ReviewSubmitted"/> events before it and the
/// reputation moves after it.
/// </summary>
/// <remarks>
/// Rule: when at least <see cref="AppealReviewersAssigned.Quorum"/> panel members revealed, the second round decides alone,
/// by the consensus rule of the first (reputation-weighted median, clipping, verdict) over its own reviews, combined with the
/// automated score as the policy says: a larger, independently drawn panel outweighs the first round's three. Otherwise the
/// first round's score stands (<c>no-quorum</c>). First-round reviewers are then measured against the final consensus
/// (<see cref="ReputationChanged.Reason"/> <c>appeal</c>).
/// </remarks>
/// <param name="ContributionId">The contribution, 0x-hex.</param>
/// <param name="AppealId">The appeal decided.</param>
/// <param name="Contributor">The contributor (EIP-55).</param>
/// <param name="FirstScore">The score appealed.</param>
/// <param name="FinalScore">The score from now on, 0 to 100.</param>
/// <param name="Outcome"><c>changed</c>, <c>upheld</c> (the second round gave the same score) or <c>no-quorum</c>.</param>
/// <param name="Components">The second round's components (automated part, consensus, weight, flags); null on <c>no-quorum</c>.</param>
/// <param name="Reviews">The second round's reviews the consensus used, with weights and clipping; empty on <c>no-quorum</c>.</param>
/// <param name="PolicyVersion">The scoring policy applied.</param>
/// <param name="DecidedAt">When the appeal was decided.</param>
/// <param name="FirstRound">
/// The first round's reviews (<see cref="ContributionScored.Reviews"/> of the score appealed) measured again against the
/// panel's consensus: the same validators, scores, verdicts and reputations, with <see cref="ScoredReview.Clipped"/> true
/// when the score lies farther than the scoring policy's clipping distance from the panel's consensus and
/// <see cref="ScoredReview.Agreement"/> its agreement with the panel's consensus (from 1.15). It is what the
/// reward ledger pays the first round by when it settles the appeal (<see cref="AppealSettled"/>). On <c>no-quorum</c> the
/// first round's reviews as first recorded: the first score stands, and so does its measure. Optional (added in 1.2): null
/// in appeals recorded before, which the ledger settles with the first round as first recorded.
/// </param>
public sealed record AppealDecided(
    string ContributionId,
    string AppealId,
    string Contributor,
    int FirstScore,
    int FinalScore,
    string Outcome,
    ScoreComponents? Components,
    IReadOnlyList<ScoredReview> Reviews,
    string PolicyVersion,
    DateTimeOffset DecidedAt,
    IReadOnlyList<ScoredReview>? FirstRound = null)
{
    /// <summary><see cref="Outcome"/> when too few panel members revealed: the first score stands, nobody's review is overturned.</summary>
    public const string NoQuorum = "no-quorum";
}
