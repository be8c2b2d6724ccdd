namespace CommunityAI.Contracts;

/// <summary>
/// The RewardDistributor no longer holds a claim root recorded as published: a reorg removed the transaction of an
/// earlier <see cref="ClaimRootPublished"/> (or the node lost it), so the distributor went back to an older epoch.
/// Recorded in the history by the chain-bridge service together with the <see cref="ClaimRootPublished"/> that
/// publishes the newest closed epoch's root again.
/// </summary>
/// <param name="Epoch">The reward epoch whose publication was lost.</param>
/// <param name="ClaimRoot">The claim root that publication carried, 0x-hex.</param>
/// <param name="ChainId">Chain of the distributor.</param>
/// <param name="DistributorContract">Address of the RewardDistributor.</param>
/// <param name="TxHash">The lost publishing transaction.</param>
/// <param name="BlockNumber">Block that had included it.</param>
/// <param name="OnChainEpoch">The epoch the distributor held when the chain-bridge noticed (0 before any root).</param>
/// <param name="DroppedAt">When the chain-bridge noticed.</param>
public sealed record ClaimRootDropped(
    long Epoch,
    string ClaimRoot,
    long ChainId,
    string DistributorContract,
    string TxHash,
    long BlockNumber,
    long OnChainEpoch,
    DateTimeOffset DroppedAt);
