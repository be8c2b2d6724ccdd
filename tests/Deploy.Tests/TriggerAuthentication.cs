using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>KEDA's TriggerAuthentication (keda.sh/v1alpha1): scaler parameters taken from Secrets.</summary>
public sealed class TriggerAuthentication : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public TriggerAuthenticationSpec Spec { get; set; } = new();
}

public sealed class TriggerAuthenticationSpec
{
    [JsonPropertyName("secretTargetRef")] public List<Dictionary<string, string>> SecretTargetRef { get; set; } = [];
}
