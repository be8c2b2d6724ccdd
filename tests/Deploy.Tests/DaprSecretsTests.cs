using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>
/// The keys served by Dapr: chain-bridge and contributions alone get a sidecar and the secret store, each under its own
/// Configuration and Role that allow exactly the Secrets its settings name, and no key reaches a pod through the environment.
/// </summary>
public sealed class DaprSecretsTests
{
    private static readonly string[] DaprApps = ["chain-bridge", "contributions"];

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Only_chain_bridge_and_contributions_get_a_dapr_sidecar_and_the_secret_store(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        foreach (var deployment in overlay.ServiceDeployments)
        {
            var dapr = deployment.Spec.Template.Metadata.Annotations?.Get("dapr.io/enabled");
            Assert.Equal(DaprApps.Contains(deployment.Metadata.Name) ? "true" : null, dapr);
        }
        var store = Assert.Single(overlay.All<DaprComponent>());
        Assert.Equal("secretstores.kubernetes", store.Spec.Type);
        Assert.Equal(DaprApps, store.Scopes.Order());
        Assert.Equal(DaprApps, overlay.All<DaprConfiguration>().Select(c => c.Metadata.Name).Order());
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Chain_bridge_asks_its_sidecar_for_a_secret_the_sidecar_may_serve(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var settings = new AppSettings(overlay, "chain-bridge");
        var secretName = settings["Dapr__AnchorerKeySecretName"];
        var checkpointSecret = settings["Dapr__CheckpointKeySecretName"];

        // Exactly the two keys' secrets, in the Configuration and the Role alike: nothing else is readable.
        Assert.Equal([secretName, checkpointSecret], settings.AllowedSecrets);
        Assert.Equal([secretName, checkpointSecret], settings.RoleSecrets);

        // secretstores.kubernetes answers with every value of the Secret: the dev Secret holds the one named.
        if (name == "dev")
        {
            Assert.Contains(settings["Dapr__AnchorerKeyValueName"], settings.DevSecret(secretName).Data.Keys);
            Assert.Contains(settings["Dapr__CheckpointKeyValueName"], settings.DevSecret(checkpointSecret).Data.Keys);
        }
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Contributions_reads_its_master_keys_through_its_sidecar_and_never_from_the_environment(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var settings = new AppSettings(overlay, "contributions");
        var secretName = settings["ContentStore__MasterKeysSecretName"];

        Assert.Equal([secretName], settings.AllowedSecrets);
        Assert.Equal([secretName], settings.RoleSecrets);
        // The Secret is read by the sidecar only: no environment variable of the pod carries a key or refers to it.
        var container = overlay.Deployment("contributions").Spec.Template.Spec.Containers.Single();
        Assert.DoesNotContain(container.Env ?? [], e => e.Name.StartsWith("ContentStore__MasterKeys", StringComparison.Ordinal));
        Assert.DoesNotContain(container.Env ?? [], e => e.ValueFrom?.SecretKeyRef?.Name == secretName);

        // Every value of the Secret is taken as a master key, so the dev Secret holds keys only, the active one among them.
        if (name == "dev")
        {
            var keys = settings.DevSecret(secretName).Data;
            Assert.Contains(settings["ContentStore__ActiveMasterKey"], keys.Keys);
            Assert.All(keys.Values, value => Assert.Equal(32, Convert.FromBase64String(System.Text.Encoding.UTF8.GetString(value)).Length));
        }
    }

    /// <summary>One Dapr app's settings, checked to point at the store, its Configuration and the sidecar's port.</summary>
    private sealed class AppSettings
    {
        private readonly RenderedOverlay _overlay;
        private readonly V1Container _container;

        public AppSettings(RenderedOverlay overlay, string app)
        {
            _overlay = overlay;
            App = app;
            var deployment = overlay.Deployment(app);
            _container = deployment.Spec.Template.Spec.Containers.Single();
            var annotations = deployment.Spec.Template.Metadata.Annotations!;
            var store = Assert.Single(overlay.All<DaprComponent>());

            // The sidecar is one the store is scoped to, and runs under the app's own Configuration.
            Assert.Contains(app, store.Scopes);
            Assert.Equal(app, annotations.Get("dapr.io/app-id"));
            Assert.Equal(app, annotations.Get("dapr.io/config"));
            Assert.Equal(store.Metadata.Name, this["Dapr__SecretStore"]);
            // The sidecar's gRPC port on the pod's loopback, where Dapr serves it.
            Assert.Equal("http://127.0.0.1:50001", this["DAPR_GRPC_ENDPOINT"]);

            var scope = Assert.Single(overlay.All<DaprConfiguration>().Single(c => c.Metadata.Name == app).Spec.Secrets!.Scopes);
            Assert.Equal(("deny", store.Metadata.Name), (scope.DefaultAccess, scope.StoreName));
            AllowedSecrets = [.. scope.AllowedSecrets.Order()];

            // secretstores.kubernetes reads with the pod's service account: the Roles bound to it allow the same Secrets.
            var account = deployment.Spec.Template.Spec.ServiceAccountName;
            Assert.True(deployment.Spec.Template.Spec.AutomountServiceAccountToken, $"{app}: the sidecar needs the service account's token");
            var roles = overlay.All<V1RoleBinding>()
                .Where(b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account))
                .Select(b => overlay.All<V1Role>().Single(r => r.Metadata.Name == b.RoleRef.Name))
                .ToList();
            RoleSecrets = [.. roles.SelectMany(r => r.Rules).SelectMany(r => r.ResourceNames).Order()];
            Assert.All(roles.SelectMany(r => r.Rules), rule => Assert.Equal(["get"], rule.Verbs));
        }

        public string App { get; }

        public IReadOnlyList<string> AllowedSecrets { get; }

        public IReadOnlyList<string> RoleSecrets { get; }

        public string this[string key] => ContainerSettings.ConfigMapValue(_overlay, _container, key)
            ?? throw new Xunit.Sdk.XunitException($"{_overlay.Name}: {App} does not set {key}");

        public V1Secret DevSecret(string secretName) => _overlay.All<V1Secret>().Single(s => s.Metadata.Name == secretName);
    }
}
