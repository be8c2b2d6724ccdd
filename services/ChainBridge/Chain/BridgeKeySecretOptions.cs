namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Which Dapr secrets hold the bridge's keys, from configuration section "Dapr" (the store itself is ServiceDefaults'
/// <c>Dapr:SecretStore</c>). Without a store the anchoring key is <c>Chain:AnchorerKey</c> and the checkpoint key
/// <c>Checkpoints:SigningKey</c> from configuration. With a store, the anchoring key always comes from it, and the
/// checkpoint key too when <see cref="CheckpointKeySecretName"/> is set.
/// </summary>
public sealed class BridgeKeySecretOptions
{
    public const string Section = "Dapr";

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
}
