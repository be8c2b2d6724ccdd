using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>A Dapr Component (dapr.io/v1alpha1); deploy/ has one, the anchoring key's secret store.</summary>
public sealed class DaprComponent : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public DaprComponentSpec Spec { get; set; } = new();
    [JsonPropertyName("scopes")] public List<string> Scopes { get; set; } = [];
}

public sealed class DaprComponentSpec
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("metadata")] public List<Dictionary<string, string>> Metadata { get; set; } = [];
}
