namespace CommunityAI.Contracts;

/// <summary>One account's move in an <see cref="AppealSettled"/>.</summary>
/// <param name="Account">The account, EIP-55.</param>
/// <param name="Amount">The signed delta, token base units as a decimal string ("-1500" or "2500"), never 0.</param>
public sealed record SettlementLine(string Account, string Amount);
