namespace CommunityAI.Deploy.Tests;

/// <summary>The Kubernetes models expose labels, annotations and data as IDictionary, which has no GetValueOrDefault.</summary>
public static class LabelLookup
{
    public static string? Get(this IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;
}
