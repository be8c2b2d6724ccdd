namespace CommunityAI.Contracts;

/// <summary>One line of a <see cref="ValidatorsRewarded"/>.</summary>
/// <param name="Validator">The credited validator, EIP-55.</param>
/// <param name="Weight">The review's weight: floor(reputation · agreement · 10^6) when not clipped, agreement 1 when the review records none (or 1 when every unclipped weight is 0).</param>
/// <param name="Amount">The credited amount, token base units as a decimal string.</param>
public sealed record ValidatorReward(string Validator, long Weight, string Amount);
