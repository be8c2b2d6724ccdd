using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// The content store's master keys, from configuration section "ContentStore": with <c>Dapr:SecretStore</c> set, from the
/// Dapr secret <see cref="MasterKeysSecretName"/> (one value per key id), read at start-up; otherwise from
/// <see cref="MasterKeys"/> (user secrets or environment, for development). Never a file in the image.
/// </summary>
public sealed class ContentStoreOptions : IValidatableObject
{
    public const string Section = "ContentStore";

    /// <summary>
    /// Master keys by id, each 32 bytes in base64. Keep a retired key here until <see cref="ActiveMasterKey"/>'s rewrap
    /// has moved every data key off it; then remove (and destroy) it.
    /// </summary>
    public Dictionary<string, string> MasterKeys { get; set; } = [];

    /// <summary>
    /// The Dapr secret holding the master keys, one value per key id (a Kubernetes Secret's data keys), when
    /// <c>Dapr:SecretStore</c> is set; required then, and <see cref="MasterKeys"/> is ignored.
    /// </summary>
    public string? MasterKeysSecretName { get; set; }

    /// <summary>The id of the master key new data keys are wrapped under, and that the rewrap moves every data key to.</summary>
    public string? ActiveMasterKey { get; set; }

    /// <summary>
    /// Validators' content reads streaming at once on one replica (each holds a database connection while its client
    /// downloads; see <c>ContentReadGate</c>): keep it well under the connection pool's size.
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentReads { get; set; } = 16;

    /// <summary>How often the leader looks for data keys still wrapped under a retired master key.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan RewrapInterval { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // From a Dapr secret the keys are checked when read (MasterKeySource); the active one is named here either way.
        if (!string.IsNullOrWhiteSpace(MasterKeysSecretName))
        {
            if (string.IsNullOrWhiteSpace(ActiveMasterKey))
                yield return new($"ContentStore:ActiveMasterKey must name one of the keys in Dapr secret {MasterKeysSecretName}", [nameof(ActiveMasterKey)]);
            yield break;
        }
        foreach (var problem in MasterKeyRing.Problems(MasterKeys, ActiveMasterKey, "ContentStore:MasterKeys", id => $"ContentStore:MasterKeys:{id}"))
            yield return new(problem, [nameof(MasterKeys)]);
    }
}
