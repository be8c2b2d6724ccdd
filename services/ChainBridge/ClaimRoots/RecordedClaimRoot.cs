namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>Our newest <c>ClaimRootPublished</c> record for the distributor in use, as the history holds it.</summary>
/// <param name="Epoch">The published epoch.</param>
/// <param name="ClaimRoot">The root as recorded, 0x-hex.</param>
/// <param name="TxHash">The publishing transaction.</param>
/// <param name="BlockNumber">The block that included it when it was recorded.</param>
public sealed record RecordedClaimRoot(long Epoch, string ClaimRoot, string TxHash, long BlockNumber);
