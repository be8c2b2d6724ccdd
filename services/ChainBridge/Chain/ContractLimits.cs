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
    /// 2^32 entries per anchor (reaching the largest uint64 tree size takes 2^32 transactions) and 2^16 epochs per
    /// publication (179 years of daily epochs; the bridge publishes the next epoch, or the newest closed one after an
    /// outage), no challenge delay.
    /// </summary>
    public static ContractLimits Default { get; } = new(1UL << 32, 1UL << 16, 0);
}
