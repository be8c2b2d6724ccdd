namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The bounds a deployment enforces on its hot key, so that a stolen key cannot brick the contracts: each is a
/// constructor argument (the challenge delay can later be changed by the admin).
/// </summary>
/// <param name="MaxTreeGrowth">The most entries one anchor may add to the anchored tree size.</param>
/// <param name="MaxEpochStep">The most a published epoch may exceed the latest published one.</param>
/// <param name="ChallengeDelaySeconds">Seconds before a published root is claimable (0: at once); the guardian may veto meanwhile.</param>
public sealed record ContractLimits(ulong MaxTreeGrowth, ulong MaxEpochStep, ulong ChallengeDelaySeconds)
{
    /// <summary>
    /// 2^32 entries per anchor and 2^32 epochs per publication: reaching the largest uint64 takes 2^32 transactions
    /// either way, and epoch numbers count from the ledger's genesis, so short epochs (seconds in tests, minutes in
    /// development) put the first publication far above zero (2^16 was too small for them); no challenge delay.
    /// </summary>
    public static ContractLimits Default { get; } = new(1UL << 32, 1UL << 32, 0);
}
