namespace CommunityAI.Contracts;

/// <summary>One review as the consensus used it (part of <see cref="ContributionScored"/>).</summary>
/// <param name="Validator">The validator's EIP-55 address.</param>
/// <param name="Score">The review's score, 0–100.</param>
/// <param name="Verdict"><c>accept</c> or <c>reject</c>.</param>
/// <param name="Reputation">The validator's reputation at assignment: its weight in the median.</param>
/// <param name="Clipped">True when the score lay farther than the policy's clipping distance from the median, so it got no weight in the verdict and no agreement.</param>
public sealed record ScoredReview(string Validator, int Score, string Verdict, decimal Reputation, bool Clipped);
