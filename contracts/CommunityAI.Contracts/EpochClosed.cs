namespace CommunityAI.Contracts;

/// <summary>
/// A reward epoch closed. Published by the reward-ledger; the chain-bridge publishes <paramref name="ClaimRoot"/>
/// to the RewardDistributor so contributors can claim their cumulative amounts.
/// </summary>
/// <param name="Epoch">The epoch number (0, 1, 2, …).</param>
/// <param name="ClosedAt">When the epoch closed.</param>
/// <param name="CreditedInEpoch">Token base units credited during the epoch (credits and positive settlement lines; debits are not negative credits), as a decimal string.</param>
/// <param name="CumulativeTotal">All token base units credited since genesis, as a decimal string.</param>
/// <param name="Accounts">Number of addresses in the claim tree.</param>
/// <param name="ClaimRoot">Root of the OpenZeppelin StandardMerkleTree of (address, cumulative amount), 0x-hex.</param>
public sealed record EpochClosed(
    long Epoch,
    DateTimeOffset ClosedAt,
    string CreditedInEpoch,
    string CumulativeTotal,
    int Accounts,
    string ClaimRoot);
