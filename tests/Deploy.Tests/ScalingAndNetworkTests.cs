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
        var rpcPolicies = overlay.All<V1NetworkPolicy>()
            .Where(p => (p.Spec.Egress ?? []).Any(e => (e.Ports ?? []).Any(port => port.Port.Value is "8545" or "443")))
            .ToList();
        Assert.NotEmpty(rpcPolicies);
        foreach (var deployment in overlay.ServiceDeployments.Where(d => d.Metadata.Name != "chain-bridge"))
            Assert.DoesNotContain(rpcPolicies, p => Selects(p, deployment.Spec.Template.Metadata.Labels));
        Assert.Contains(rpcPolicies, p => Selects(p, overlay.Deployment("chain-bridge").Spec.Template.Metadata.Labels));
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Only_chain_bridge_gets_a_dapr_sidecar_and_the_anchorer_secret(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        foreach (var deployment in overlay.ServiceDeployments)
        {
            var dapr = deployment.Spec.Template.Metadata.Annotations?.Get("dapr.io/enabled");
            Assert.Equal(deployment.Metadata.Name == "chain-bridge" ? "true" : null, dapr);
        }
        var store = Assert.Single(overlay.All<DaprComponent>());
        Assert.StartsWith("secretstores.", store.Spec.Type, StringComparison.Ordinal);
        Assert.Equal(["chain-bridge"], store.Scopes);
        var configuration = Assert.Single(overlay.All<DaprConfiguration>());
        var scope = Assert.Single(configuration.Spec.Secrets!.Scopes);
        Assert.Equal(("deny", store.Metadata.Name), (scope.DefaultAccess, scope.StoreName));
        Assert.Equal(["communityai-anchorer", "communityai-checkpoint"], scope.AllowedSecrets);

        var bridge = ContainerSettings.ConfigMapValue(overlay, overlay.Deployment("chain-bridge").Spec.Template.Spec.Containers[0], "Dapr__SecretStore");
        Assert.Equal(store.Metadata.Name, bridge);
        var role = Assert.Single(overlay.All<V1Role>());
        Assert.Equal(["communityai-anchorer", "communityai-checkpoint"], Assert.Single(role.Rules).ResourceNames);
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Chain_bridge_asks_its_sidecar_for_a_secret_the_sidecar_may_serve(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var bridge = overlay.Deployment("chain-bridge");
        var container = bridge.Spec.Template.Spec.Containers.Single();
        string Setting(string key) => ContainerSettings.ConfigMapValue(overlay, container, key)
            ?? throw new Xunit.Sdk.XunitException($"{name}: chain-bridge does not set {key}");
        var annotations = bridge.Spec.Template.Metadata.Annotations!;
        var store = Assert.Single(overlay.All<DaprComponent>());
        var configuration = Assert.Single(overlay.All<DaprConfiguration>());

        // The sidecar is the one the component is scoped to, and runs under the Configuration that allows the secret.
        Assert.Equal(["chain-bridge"], store.Scopes);
        Assert.Equal("chain-bridge", annotations.Get("dapr.io/app-id"));
        Assert.Equal(configuration.Metadata.Name, annotations.Get("dapr.io/config"));
        Assert.Equal("secretstores.kubernetes", store.Spec.Type);

        // The service asks that store for a secret the Configuration and the Role both allow.
        Assert.Equal(store.Metadata.Name, Setting("Dapr__SecretStore"));
        var secretName = Setting("Dapr__AnchorerKeySecretName");
        var checkpointSecret = Setting("Dapr__CheckpointKeySecretName");
        // Exactly the two keys' secrets, in the Configuration and the Role alike: nothing else is readable.
        Assert.Equal([secretName, checkpointSecret], Assert.Single(configuration.Spec.Secrets!.Scopes).AllowedSecrets.Order());
        Assert.Equal([secretName, checkpointSecret], Assert.Single(Assert.Single(overlay.All<V1Role>()).Rules).ResourceNames.Order());

        // The sidecar's gRPC port on the pod's loopback, where Dapr serves it.
        Assert.Equal("http://127.0.0.1:50001", Setting("DAPR_GRPC_ENDPOINT"));

        // secretstores.kubernetes answers with every value of the Secret: the dev Secret holds the one named.
        var valueName = Setting("Dapr__AnchorerKeyValueName");
        if (name == "dev")
        {
            Assert.Contains(valueName, overlay.All<V1Secret>().Single(s => s.Metadata.Name == secretName).Data.Keys);
            Assert.Contains(Setting("Dapr__CheckpointKeyValueName"), overlay.All<V1Secret>().Single(s => s.Metadata.Name == checkpointSecret).Data.Keys);
        }
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
