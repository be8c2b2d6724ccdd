using System.ComponentModel.DataAnnotations;

namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>How the claim-root keeper retries while the chain or the database is away, from configuration section "ClaimRoots".</summary>
public sealed class ClaimRootOptions
{
    public const string Section = "ClaimRoots";

    /// <summary>First wait after a failure; doubles with every further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts during an outage.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);
}
