using System.ComponentModel.DataAnnotations;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>When tree heads are anchored, from configuration section "Anchoring".</summary>
public sealed class AnchorOptions
{
    public const string Section = "Anchoring";

    /// <summary>Anchor at least this often while the log grows.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Or sooner, once this many entries are waiting.</summary>
    [Range(1, long.MaxValue)]
    public long EveryEntries { get; set; } = 10_000;

    /// <summary>Blocks on top of the anchoring block before the anchor counts as confirmed.</summary>
    [Range(0, 1000)]
    public int Confirmations { get; set; } = 1;

    /// <summary>
    /// Confirmed anchors whose block lies within this many blocks of the chain's head are still checked for a reorg
    /// that dropped them; deeper ones are taken as final.
    /// </summary>
    [Range(0, 100_000)]
    public int ReorgWindow { get; set; } = 64;

    /// <summary>First wait after the chain or the database fails; doubles with every further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts during an outage.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);
}
