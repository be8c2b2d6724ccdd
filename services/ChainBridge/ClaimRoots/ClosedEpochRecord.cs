namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>
/// The newest <c>EpochClosed</c> in the ledger's streams, its members as the history's JSON holds them (unparsed), so
/// that a malformed one is answered by <see cref="ClaimRootCheck"/> instead of failing a deserializer.
/// </summary>
/// <param name="Epoch">The epoch number's text; null when the member is missing.</param>
/// <param name="ClaimRoot">The claim root's text; null when the member is missing.</param>
/// <param name="CumulativeTotal">The tree's cumulative total (sum of its amounts) as decimal digits; null when missing.</param>
public sealed record ClosedEpochRecord(string? Epoch, string? ClaimRoot, string? CumulativeTotal);
