using System.ComponentModel.DataAnnotations;

namespace CommunityAI.ChainBridge.Revenue;

/// <summary>How builders' payments are watched, from configuration section "Revenue".</summary>
public sealed class RevenueOptions
{
    public const string Section = "Revenue";

    /// <summary>
    /// Blocks on top of a payment's block before it is recorded. A recorded payment is credited to contributors and can
    /// never be taken back, so only blocks this deep are read: a reorg shallower than this cannot touch a payment.
    /// </summary>
    [Range(0, 1000)]
    public int Confirmations { get; set; } = 12;

    /// <summary>The most blocks one log query covers, so a long catch-up stays within what RPC providers answer.</summary>
    [Range(1, 1_000_000)]
    public int MaxBlocksPerQuery { get; set; } = 5_000;

    /// <summary>How often to look for newly confirmed blocks.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
