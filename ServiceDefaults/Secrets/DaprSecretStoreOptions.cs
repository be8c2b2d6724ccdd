namespace CommunityAI.ServiceDefaults.Secrets;

/// <summary>
/// The Dapr secret store a service reads its keys from, configuration section "Dapr". Unset <see cref="SecretStore"/>
/// means no Dapr: each service then takes its keys from configuration (user secrets or environment). Which secrets a
/// service reads is its own setting (chain-bridge: <c>Dapr:AnchorerKeySecretName</c>; contributions:
/// <c>ContentStore:MasterKeysSecret</c>).
/// </summary>
public sealed class DaprSecretStoreOptions
{
    public const string Section = "Dapr";

    /// <summary>The Dapr secret-store component's name (e.g. communityai-secrets).</summary>
    public string? SecretStore { get; set; }

    /// <summary>How long start-up waits for the sidecar to answer: an injected sidecar may come up after the app.</summary>
    public TimeSpan SidecarTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(SecretStore);
}
