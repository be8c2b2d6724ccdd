namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Where the bridge's keys live when a Dapr sidecar serves them, from configuration section "Dapr".
/// Unset <see cref="SecretStore"/> means no Dapr: the anchoring key is <c>Chain:AnchorerKey</c> and the checkpoint key
/// <c>Checkpoints:SigningKey</c> from configuration. With a store, the anchoring key always comes from it, and the
/// checkpoint key too when <see cref="CheckpointKeySecretName"/> is set.
/// </summary>
public sealed class DaprSecretOptions
{
    public const string Section = "Dapr";

    /// <summary>The Dapr secret-store component's name (e.g. communityai-secrets).</summary>
    public string? SecretStore { get; set; }

    /// <summary>The secret's name in that store (e.g. communityai-anchorer).</summary>
    public string? AnchorerKeySecretName { get; set; }

    /// <summary>
    /// The value inside the secret that holds the key. A Kubernetes Secret or a Vault entry holds several
    /// values under one name; stores with one value per secret may leave this unset.
    /// </summary>
    public string? AnchorerKeyValueName { get; set; }

    /// <summary>The secret holding the log's checkpoint signing key (a private note key); unset means configuration.</summary>
    public string? CheckpointKeySecretName { get; set; }

    /// <summary>The value inside <see cref="CheckpointKeySecretName"/> that holds the key, when it holds several.</summary>
    public string? CheckpointKeyValueName { get; set; }

    /// <summary>
    /// How long start-up waits for the sidecar to answer: an injected sidecar may come up after the app.
    /// </summary>
    public TimeSpan SidecarTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(SecretStore);
}
