using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// The content store's master keys, from configuration section "ContentStore" (in production fed from a secret: an
/// environment variable set from a Kubernetes Secret or a Dapr secret store, never a file in the image).
/// </summary>
public sealed class ContentStoreOptions : IValidatableObject
{
    public const string Section = "ContentStore";

    /// <summary>
    /// Master keys by id, each 32 bytes in base64. Keep a retired key here until <see cref="ActiveMasterKey"/>'s rewrap
    /// has moved every data key off it; then remove (and destroy) it.
    /// </summary>
    public Dictionary<string, string> MasterKeys { get; set; } = [];

    /// <summary>The id of the master key new data keys are wrapped under, and that the rewrap moves every data key to.</summary>
    public string? ActiveMasterKey { get; set; }

    /// <summary>How often the leader looks for data keys still wrapped under a retired master key.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan RewrapInterval { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MasterKeys.Count == 0)
            yield return new("ContentStore:MasterKeys must hold at least one 32-byte base64 key", [nameof(MasterKeys)]);
        foreach (var (id, key) in MasterKeys)
        {
            var bytes = new byte[48];
            if (!Convert.TryFromBase64String(key, bytes, out var written) || written != ContentSealing.KeyBytes)
                yield return new($"ContentStore:MasterKeys:{id} must be 32 bytes in base64", [nameof(MasterKeys)]);
        }
        if (ActiveMasterKey is null || !MasterKeys.ContainsKey(ActiveMasterKey))
            yield return new("ContentStore:ActiveMasterKey must name one of ContentStore:MasterKeys", [nameof(ActiveMasterKey)]);
    }
}
