using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Contributions.Domain;

/// <summary>Limits of contribution intake, from configuration section "Intake".</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>EIP-712 domain chain id; the local anvil chain's id by default.</summary>
    [Range(1, long.MaxValue)]
    public long ChainId { get; set; } = 31337;

    /// <summary>Largest inline content accepted, in bytes (1 MiB).</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxContentBytes { get; set; } = 1024 * 1024;

    /// <summary>How far in the future a signature's deadline may lie.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan MaxDeadlineAhead { get; set; } = TimeSpan.FromDays(30);

    [Range(16, 8192)]
    public int MaxContentUriLength { get; set; } = 2048;

    /// <summary>
    /// Inline content up to this many bytes that is valid UTF-8 travels with ContributionSubmitted as text, for
    /// quality-scoring's near-duplicate and per-kind checks. Larger or binary content is checked by its hash only.
    /// The text becomes part of the public history, which is why this stays small.
    /// </summary>
    [Range(0, 1024 * 1024)]
    public int MaxTextBytes { get; set; } = 64 * 1024;
}
