using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>The environment a container gets from its env entries and the ConfigMaps and Secrets it imports.</summary>
public static class ContainerSettings
{
    public static IReadOnlySet<string> Names(RenderedOverlay overlay, V1Container container)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var env in container.Env ?? [])
            names.Add(env.Name);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } map)
                names.UnionWith(overlay.ConfigMap(map.Name).Data?.Keys ?? []);
            if (source.SecretRef is { } secret)
                throw new InvalidOperationException($"{container.Name} imports Secret {secret.Name} whole; reference keys one by one");
        }
        return names;
    }

    /// <summary>A value the container sees for a setting set in a ConfigMap it imports (null when it comes from elsewhere).</summary>
    public static string? ConfigMapValue(RenderedOverlay overlay, V1Container container, string name) =>
        (container.EnvFrom ?? [])
            .Where(s => s.ConfigMapRef is not null)
            .Select(s => overlay.ConfigMap(s.ConfigMapRef.Name).Data?.Get(name))
            .LastOrDefault(v => v is not null);
}
