using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>KEDA's ScaledObject (keda.sh/v1alpha1), only the fields deploy/ uses.</summary>
public sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public ScaledObjectSpec Spec { get; set; } = new();
}

public sealed class ScaledObjectSpec
{
    [JsonPropertyName("scaleTargetRef")] public Dictionary<string, string> ScaleTargetRef { get; set; } = [];
    [JsonPropertyName("minReplicaCount")] public int MinReplicaCount { get; set; }
    [JsonPropertyName("maxReplicaCount")] public int MaxReplicaCount { get; set; }
    [JsonPropertyName("cooldownPeriod")] public int? CooldownPeriod { get; set; }
    [JsonPropertyName("triggers")] public List<ScaledObjectTrigger> Triggers { get; set; } = [];
}

public sealed class ScaledObjectTrigger
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("metadata")] public Dictionary<string, string> Metadata { get; set; } = [];
    [JsonPropertyName("authenticationRef")] public Dictionary<string, string>? AuthenticationRef { get; set; }
}
