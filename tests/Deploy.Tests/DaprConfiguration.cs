using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>A Dapr Configuration (dapr.io/v1alpha1): here, which secrets the sidecar may hand out.</summary>
public sealed class DaprConfiguration : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public DaprConfigurationSpec Spec { get; set; } = new();
}

public sealed class DaprConfigurationSpec
{
    [JsonPropertyName("secrets")] public DaprSecretsSpec? Secrets { get; set; }
}

public sealed class DaprSecretsSpec
{
    [JsonPropertyName("scopes")] public List<DaprSecretScope> Scopes { get; set; } = [];
}

public sealed class DaprSecretScope
{
    [JsonPropertyName("storeName")] public string StoreName { get; set; } = "";
    [JsonPropertyName("defaultAccess")] public string DefaultAccess { get; set; } = "";
    [JsonPropertyName("allowedSecrets")] public List<string> AllowedSecrets { get; set; } = [];
}
