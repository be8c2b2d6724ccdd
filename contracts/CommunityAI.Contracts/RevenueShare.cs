namespace CommunityAI.Contracts;

/// <summary>One line of a <see cref="RevenueSplit"/>.</summary>
/// <param name="Address">The credited address, EIP-55.</param>
/// <param name="Role"><c>contributor</c> or <c>treasury</c>.</param>
/// <param name="Weight">The sum of the address's members' scores (0 for the treasury).</param>
/// <param name="Amount">The credited amount, token base units as a decimal string.</param>
public sealed record RevenueShare(string Address, string Role, long Weight, string Amount);
