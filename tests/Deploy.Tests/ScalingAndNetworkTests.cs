using k8s.Models;

namespace CommunityAI.Deploy.Tests;

public sealed class ScalingAndNetworkTests
{
    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Consumers_scale_on_the_depth_of_their_own_queues(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var auth = Assert.Single(overlay.All<TriggerAuthentication>());
        foreach (var (service, queues) in ServiceSettings.ScaledQueues)
        {
            var scaled = Assert.Single(overlay.All<ScaledObject>(), s => s.Spec.ScaleTargetRef["name"] == service);
            overlay.Deployment(service);
            Assert.Equal(queues.Order(), scaled.Spec.Triggers.Select(t => t.Metadata["queueName"]).Order());
            Assert.All(scaled.Spec.Triggers, t =>
            {
                Assert.Equal("rabbitmq", t.Type);
                Assert.Equal("QueueLength", t.Metadata["mode"]);
                Assert.Equal(auth.Metadata.Name, t.AuthenticationRef?["name"]);
            });
            Assert.InRange(scaled.Spec.MinReplicaCount, 1, scaled.Spec.MaxReplicaCount);
        }
        Assert.Equal("communityai-connections", Assert.Single(auth.Spec.SecretTargetRef)["name"]);
        // A scaler on a queue nobody consumes any more (reward-ledger credits from the history) would only fail.
        Assert.All(overlay.All<ScaledObject>(), s => Assert.Contains(s.Spec.ScaleTargetRef["name"], ServiceSettings.ScaledQueues.Keys));
    }

    [Fact]
    public void Production_keeps_two_consumers_available_during_disruptions()
    {
        var overlay = RenderedOverlay.Load("production");
        foreach (var service in ServiceSettings.ScaledQueues.Keys)
        {
            var scaled = Assert.Single(overlay.All<ScaledObject>(), s => s.Spec.ScaleTargetRef["name"] == service);
            var budget = Assert.Single(overlay.All<V1PodDisruptionBudget>(), p => p.Metadata.Name == service);
            Assert.True(scaled.Spec.MinReplicaCount > int.Parse(budget.Spec.MinAvailable.Value), $"{service} could never be drained");
        }
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_service_pod_is_denied_by_default(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var deny = Assert.Single(overlay.All<V1NetworkPolicy>(), p => p.Spec.Ingress is null && p.Spec.Egress is null);
        Assert.Equal(["Ingress", "Egress"], deny.Spec.PolicyTypes);
        foreach (var deployment in overlay.ServiceDeployments)
            Assert.True(Selects(deny, deployment.Spec.Template.Metadata.Labels), $"{deployment.Metadata.Name} is not denied by default");
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Only_chain_bridge_reaches_the_chain_rpc(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        // 443 or 8545 to anywhere outside the namespace's own services (an address block, anvil, or no peer named). The
        // Kubernetes API policy opens 443 too, for the Dapr sidecars: checked on its own below.
        static bool OutOfCluster(V1NetworkPolicyEgressRule rule) =>
            rule.To is null || rule.To.Any(peer => peer.IpBlock is not null || peer.PodSelector?.MatchLabels?.Get("app.kubernetes.io/name") == "anvil");
        var rpcPolicies = overlay.All<V1NetworkPolicy>()
            .Where(p => p.Metadata.Name != KubernetesApiPolicy)
            .Where(p => (p.Spec.Egress ?? []).Any(e => OutOfCluster(e) && (e.Ports ?? []).Any(port => port.Port.Value is "8545" or "443")))
            .ToList();
        Assert.NotEmpty(rpcPolicies);
        foreach (var deployment in overlay.ServiceDeployments.Where(d => d.Metadata.Name != "chain-bridge"))
            Assert.DoesNotContain(rpcPolicies, p => Selects(p, deployment.Spec.Template.Metadata.Labels));
        Assert.Contains(rpcPolicies, p => Selects(p, overlay.Deployment("chain-bridge").Spec.Template.Metadata.Labels));
    }

    private const string KubernetesApiPolicy = "communityai-kubernetes-api";

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Only_the_dapr_sidecars_reach_the_kubernetes_api_and_production_narrows_it_to_the_control_plane(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var api = overlay.All<V1NetworkPolicy>().Single(p => p.Metadata.Name == KubernetesApiPolicy);
        foreach (var deployment in overlay.ServiceDeployments)
            Assert.Equal(deployment.Metadata.Name is "chain-bridge" or "contributions", Selects(api, deployment.Spec.Template.Metadata.Labels));
        var rule = Assert.Single(api.Spec.Egress);
        Assert.Equal(["443", "6443"], rule.Ports.Select(p => p.Port.Value).Order());
        // Production must not leave contributions (which has no other business outside the cluster) open to the internet on 443.
        if (name == "production")
            Assert.All(rule.To, peer => Assert.NotEqual("0.0.0.0/0", peer.IpBlock.Cidr));
    }

    private static bool Selects(V1NetworkPolicy policy, IDictionary<string, string> labels)
    {
        var selector = policy.Spec.PodSelector;
        var byLabels = (selector.MatchLabels ?? new Dictionary<string, string>()).All(kv => labels.Get(kv.Key) == kv.Value);
        var byExpressions = (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            _ => !labels.ContainsKey(e.Key),
        });
        return byLabels && byExpressions;
    }
}
