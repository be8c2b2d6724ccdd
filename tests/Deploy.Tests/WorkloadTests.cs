using k8s.Models;

namespace CommunityAI.Deploy.Tests;

public sealed class WorkloadTests
{
    private static readonly string[] Services = ["contributions", "quality-scoring", "reward-ledger", "chain-bridge", "governance", "community-model", "portal"];

    [Fact]
    public void Every_overlay_directory_is_tested()
    {
        var directories = Directory.GetDirectories(Path.Combine(RepositoryRoot.Find(), "deploy", "overlays"))
            .Select(Path.GetFileName).Order();
        Assert.Equal(RenderedOverlay.Names.Order(), directories);
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_service_has_a_deployment_a_service_and_a_disruption_budget(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        Assert.Equal(Services.Order(), overlay.ServiceDeployments.Select(d => d.Metadata.Name).Order());
        foreach (var deployment in overlay.ServiceDeployments)
        {
            var labels = deployment.Spec.Template.Metadata.Labels;
            Assert.Contains(overlay.All<V1Service>(), s => s.Spec.Selector.All(kv => labels.Get(kv.Key) == kv.Value)
                && s.Spec.Ports.Any(p => p.TargetPort.Value == "http"));
            Assert.Contains(overlay.All<V1PodDisruptionBudget>(), p => p.Spec.Selector.MatchLabels.All(kv => labels.Get(kv.Key) == kv.Value));
        }
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Services_are_ready_on_health_and_alive_on_alive(string name)
    {
        foreach (var deployment in RenderedOverlay.Load(name).ServiceDeployments)
        {
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            Assert.Equal(8080, Assert.Single(container.Ports).ContainerPort);
            Assert.Equal("/health", container.ReadinessProbe?.HttpGet?.Path);
            Assert.Equal("/alive", container.LivenessProbe?.HttpGet?.Path);
            Assert.Equal("/alive", container.StartupProbe?.HttpGet?.Path);
            Assert.All(new[] { container.ReadinessProbe!, container.LivenessProbe!, container.StartupProbe! },
                p => Assert.Equal("http", p.HttpGet.Port.Value));
        }
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_workload_and_infrastructure_container_has_a_probe(string name)
    {
        foreach (var (owner, pod) in RenderedOverlay.Load(name).PodSpecs.Where(p => !p.Owner.StartsWith("Job/", StringComparison.Ordinal)))
            Assert.All(pod.Containers, c => Assert.True(c.ReadinessProbe is not null && c.LivenessProbe is not null, $"{owner}/{c.Name} lacks a probe"));
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_container_runs_as_non_root_and_has_requests_and_limits(string name)
    {
        foreach (var (owner, pod) in RenderedOverlay.Load(name).PodSpecs)
        {
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{owner} may run as root");
            Assert.True(pod.SecurityContext.RunAsUser is > 0, $"{owner} has no non-zero runAsUser");
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
            {
                var where = $"{owner}/{container.Name}";
                Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"{where} allows privilege escalation");
                Assert.Contains("ALL", container.SecurityContext.Capabilities?.Drop ?? []);
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Resources?.Requests?.ContainsKey(resource) == true, $"{where} has no {resource} request");
                    Assert.True(container.Resources?.Limits?.ContainsKey(resource) == true, $"{where} has no {resource} limit");
                }
            }
        }
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Service_containers_have_a_read_only_root_and_a_writable_tmp(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var pods = overlay.ServiceDeployments.Select(d => d.Spec.Template.Spec)
            .Concat(overlay.All<V1Job>().Select(j => j.Spec.Template.Spec));
        foreach (var pod in pods)
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
            {
                Assert.True(container.SecurityContext.ReadOnlyRootFilesystem == true, $"{container.Name} has a writable root");
                if (container.Image.Contains("communityai", StringComparison.Ordinal))
                {
                    var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
                    Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);
                }
            }
    }

    [Fact]
    public void Production_pins_its_images_to_a_registry_and_a_version()
    {
        foreach (var (owner, pod) in RenderedOverlay.Load("production").PodSpecs)
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
            {
                Assert.Contains('/', container.Image.Split(':')[0]);
                Assert.False(container.Image.EndsWith(":latest", StringComparison.Ordinal) || !container.Image.Contains(':'),
                    $"{owner}/{container.Name} uses a floating tag: {container.Image}");
            }
    }

    [Fact]
    public void Chain_bridge_runs_two_replicas_and_is_not_autoscaled()
    {
        // Two are safe: one holds the PostgreSQL advisory lock and anchors, the other waits (ServiceDefaults/Background/LeaderLoop.cs).
        var overlay = RenderedOverlay.Load("production");
        Assert.Equal(2, overlay.Deployment("chain-bridge").Spec.Replicas);
        Assert.DoesNotContain(overlay.All<ScaledObject>(), s => s.Spec.ScaleTargetRef["name"] == "chain-bridge");
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void The_schema_job_starts_the_service_images_before_a_waiter_that_exits(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var job = Assert.Single(overlay.All<V1Job>());
        var pod = job.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy);
        // The owner's database set-up first, run to completion; then the services as sidecars, under their own roles.
        var setup = pod.InitContainers[0];
        Assert.Equal("database-setup", setup.Name);
        Assert.Null(setup.RestartPolicy);
        Assert.All(pod.InitContainers.Skip(1), c => Assert.Equal("Always", c.RestartPolicy));
        var images = pod.InitContainers.Select(c => c.Image).ToHashSet();
        foreach (var service in ServiceSettings.HistoryOwners.Where(s => s != "chain-bridge"))
            Assert.Contains(overlay.Deployment(service).Spec.Template.Spec.Containers[0].Image, images);
        // The waiter waits for every sidecar's port.
        var waiter = Assert.Single(pod.Containers);
        foreach (var sidecar in pod.InitContainers.Skip(1))
            Assert.Contains(sidecar.Env.Single(e => e.Name == "ASPNETCORE_HTTP_PORTS").Value, string.Join(' ', waiter.Args));
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void An_upgrade_can_apply_the_settings_and_the_schema_job_before_the_deployments(string name)
    {
        // README "Upgrade": kubectl apply --selector 'app.kubernetes.io/component in (settings,schema)'.
        var overlay = RenderedOverlay.Load(name);
        var job = Assert.Single(overlay.All<V1Job>());
        Assert.Equal("schema", job.Metadata.Labels.Get("app.kubernetes.io/component"));
        var imported = job.Spec.Template.Spec.InitContainers.SelectMany(c => c.EnvFrom ?? []).Select(e => e.ConfigMapRef.Name).Distinct();
        Assert.All(imported, map => Assert.Equal("settings", overlay.ConfigMap(map).Metadata.Labels.Get("app.kubernetes.io/component")));
    }
}

