namespace CommunityAI.Contracts;

/// <summary>
/// An epoch's claim root was published to the RewardDistributor. Recorded by the chain-bridge. When a reorg takes a
/// publication off the chain, the chain-bridge records <see cref="ClaimRootDropped"/> and publishes the newest closed
/// epoch's root again, so an epoch can appear in a later message too: the latest message for an epoch names the
/// publication that is on chain.
/// </summary>
/// <param name="Epoch">The reward epoch.</param>
/// <param name="ClaimRoot">Root of the cumulative claims tree, 0x-hex.</param>
/// <param name="ChainId">Chain of the distributor.</param>
/// <param name="DistributorContract">Address of the RewardDistributor that accepts proofs against this root.</param>
/// <param name="TxHash">Publishing transaction.</param>
/// <param name="BlockNumber">Block that included it.</param>
/// <param name="PublishedAt">When the chain-bridge saw it mined.</param>
public sealed record ClaimRootPublished(
    long Epoch,
    string ClaimRoot,
    long ChainId,
    string DistributorContract,
    string TxHash,
    long BlockNumber,
    DateTimeOffset PublishedAt);
