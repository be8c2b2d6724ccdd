namespace CommunityAI.Contracts;

/// <summary>One line of a <see cref="RevenueSplit"/>.</summary>
/// <param name="Address">The credited address, EIP-55.</param>
/// <param name="Role"><c>contributor</c>, <c>validator</c> (added in 1.16) or <c>treasury</c>.</param>
/// <param name="Weight">
/// For a contributor, the sum of the address's members' scores; for a validator, the sum of its review weights over the
/// members (each floor(reputation · agreement · 10^6), as <see cref="ValidatorsRewarded"/> weighs them); 0 for the treasury.
/// </param>
/// <param name="Amount">The credited amount, token base units as a decimal string.</param>
public sealed record RevenueShare(string Address, string Role, long Weight, string Amount);
