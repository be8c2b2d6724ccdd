using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Submission rate limits per contributor, from configuration section "RateLimits" (the per-client-address limit in the
/// same section is every service's: ServiceDefaults' ClientAddressLimit). Generous by default so tests and benchmarks
/// are never throttled unless they ask to be; production sets real figures.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Submissions per signer per <see cref="Window"/>, counted after the signature check and across replicas
    /// (ServiceDefaults' SignerQuota).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int PerContributor { get; set; } = 1_000_000;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
