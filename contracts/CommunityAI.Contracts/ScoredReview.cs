namespace CommunityAI.Contracts;

/// <summary>One review as the consensus used it (part of <see cref="ContributionScored"/>).</summary>
/// <param name="Validator">The validator's EIP-55 address.</param>
/// <param name="Score">The review's score, 0–100.</param>
/// <param name="Verdict"><c>accept</c> or <c>reject</c>.</param>
/// <param name="Reputation">The validator's reputation at assignment: its weight in the median.</param>
/// <param name="Clipped">True when the score lay farther than the policy's clipping distance from the median, so it got no weight in the verdict and no agreement.</param>
/// <param name="Agreement">
/// How close the score came to the consensus: round(max(0, 1 − |score − consensus| / clip distance), 6) under the scoring
/// policy that decided (with a clip distance of 0: 1 at the consensus, 0 elsewhere); the agreement its reviewer's
/// <see cref="ReputationChanged"/> steps toward, and the factor of its pay (<see cref="ValidatorsRewarded"/>). Optional
/// (added in 1.15): absent on reviews recorded before, which pay as if it were 1.
/// </param>
public sealed record ScoredReview(string Validator, int Score, string Verdict, decimal Reputation, bool Clipped, decimal? Agreement = null);
