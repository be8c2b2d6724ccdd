using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>One Kustomize overlay of deploy/ rendered by <c>kubectl kustomize</c> and parsed strictly into typed models.</summary>
public sealed class RenderedOverlay
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedOverlay>> Cache = new();

    // Strict parsing: a misspelled field fails the test instead of being silently dropped by the cluster.
    private static readonly Dictionary<string, Type> CustomTypes = new()
    {
        ["keda.sh/v1alpha1/ScaledObject"] = typeof(ScaledObject),
        ["keda.sh/v1alpha1/TriggerAuthentication"] = typeof(TriggerAuthentication),
        ["dapr.io/v1alpha1/Component"] = typeof(DaprComponent),
        ["dapr.io/v1alpha1/Configuration"] = typeof(DaprConfiguration),
    };

    private RenderedOverlay(string name, IReadOnlyList<object> objects)
    {
        Name = name;
        Objects = objects;
    }

    public string Name { get; }
    public IReadOnlyList<object> Objects { get; }

    public static IReadOnlyList<string> Names { get; } = ["dev", "production"];

    public static RenderedOverlay Load(string name) =>
        Cache.GetOrAdd(name, n => new Lazy<RenderedOverlay>(() => Render(n))).Value;

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public V1Deployment Deployment(string name) =>
        All<V1Deployment>().SingleOrDefault(d => d.Metadata.Name == name)
        ?? throw new InvalidOperationException($"overlay {Name} renders no Deployment {name}");

    /// <summary>The CommunityAI services (not the dev overlay's PostgreSQL, RabbitMQ, anvil or collector).</summary>
    public IEnumerable<V1Deployment> ServiceDeployments =>
        All<V1Deployment>().Where(d => d.Metadata.Labels?.Get("app.kubernetes.io/part-of") == "communityai");

    /// <summary>Every pod template with the name of the object that owns it.</summary>
    public IEnumerable<(string Owner, V1PodSpec Pod)> PodSpecs =>
        All<V1Deployment>().Select(d => ($"Deployment/{d.Metadata.Name}", d.Spec.Template.Spec))
            .Concat(All<V1StatefulSet>().Select(s => ($"StatefulSet/{s.Metadata.Name}", s.Spec.Template.Spec)))
            .Concat(All<V1Job>().Select(j => ($"Job/{j.Metadata.Name}", j.Spec.Template.Spec)));

    public V1ConfigMap ConfigMap(string name) =>
        All<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == name)
        ?? throw new InvalidOperationException($"overlay {Name} renders no ConfigMap {name}");

    private static RenderedOverlay Render(string name)
    {
        var directory = Path.Combine(RepositoryRoot.Find(), "deploy", "overlays", name);
        var yaml = RunKubectlKustomize(directory);
        var objects = KubernetesYaml.LoadAllFromString(yaml, CustomTypes, strict: true);
        return new RenderedOverlay(name, objects.ToList());
    }

    private static string RunKubectlKustomize(string directory)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "kubectl is not installed or not on PATH: the deployment tests render deploy/ with `kubectl kustomize` " +
                "(install kubectl 1.27+ in CI, e.g. `apt-get install kubectl` or azure/setup-kubectl).", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {stderr.Result}");
            return stdout;
        }
    }
}
