using System.Text.RegularExpressions;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

public sealed partial class ConfigurationTests
{
    // A key whose last segment names a credential: its value must come from a Secret, never from a literal or a ConfigMap.
    [GeneratedRegex("(password|passwd|pass|secret|token|key|connectionstrings__.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialName();

    // Settings named like credentials that hold only which key is in use (an id, not key material); their values are still checked.
    private static readonly string[] KeyIdentifiers = ["ContentStore__ActiveMasterKey"];

    // Values that carry a credential whatever their key: user:password@ in a URI, Password= in a connection string, a raw 32-byte key.
    [GeneratedRegex(@"(://[^/\s:@]+:[^@\s]+@|password\s*=|\b(0x)?[0-9a-f]{64}\b)", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialValue();

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_configuration_key_a_service_reads_is_set(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        foreach (var (service, keys) in ServiceSettings.Required)
        {
            var container = overlay.Deployment(service).Spec.Template.Spec.Containers.Single();
            var set = ContainerSettings.Names(overlay, container);
            var missing = keys.Select(ServiceSettings.EnvironmentName).Where(k => !set.Contains(k)).ToList();
            Assert.True(missing.Count == 0, $"{name}/{service} does not set {string.Join(", ", missing)}");
        }
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Credentials_come_from_secret_references_never_from_literals(string name)
    {
        foreach (var (owner, pod) in RenderedOverlay.Load(name).PodSpecs)
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
                foreach (var env in container.Env ?? [])
                {
                    var where = $"{owner}/{container.Name} env {env.Name}";
                    if (CredentialName().IsMatch(SettingSegment(env.Name)))
                        Assert.True(env.ValueFrom?.SecretKeyRef is not null, $"{where} must come from a secretKeyRef");
                    Assert.False(env.Value is not null && CredentialValue().IsMatch(env.Value), $"{where} holds a credential as a literal");
                }
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Config_maps_hold_no_credentials(string name)
    {
        foreach (var map in RenderedOverlay.Load(name).All<V1ConfigMap>())
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                Assert.False(CredentialName().IsMatch(SettingSegment(key)) && !KeyIdentifiers.Contains(key), $"ConfigMap {map.Metadata.Name} has credential key {key}");
                Assert.False(CredentialValue().IsMatch(value), $"ConfigMap {map.Metadata.Name} key {key} holds a credential");
            }
    }

    [Fact]
    public void Production_renders_no_secret_the_operator_creates_them()
    {
        Assert.Empty(RenderedOverlay.Load("production").All<V1Secret>());
    }

    [Fact]
    public void Dev_secrets_are_marked_as_dev_only()
    {
        var secrets = RenderedOverlay.Load("dev").All<V1Secret>().ToList();
        Assert.NotEmpty(secrets);
        // Generated secrets arrive base64-encoded in Data; every password in them says it is for development only.
        var passwords = secrets.SelectMany(s => s.Data.Values).Select(System.Text.Encoding.UTF8.GetString)
            .SelectMany(v => Regex.Matches(v, @"(?:Password=|:)(?<p>[^;@/:]*-only-[^;@/]*)").Select(m => m.Groups["p"].Value));
        Assert.NotEmpty(passwords);
        Assert.All(secrets.SelectMany(s => s.Data).Where(kv => kv.Key.Contains("password", StringComparison.Ordinal) || kv.Key == "api-key"),
            kv => Assert.Contains("dev-only", System.Text.Encoding.UTF8.GetString(kv.Value), StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void The_pay_epochs_are_set_once_and_equal_for_the_ledger_and_scoring(string name) =>
        AssertSetOnceInCommon(name, RenderedOverlay.Load(name), ServiceSettings.EpochSetting, ServiceSettings.EpochReaders);

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void The_chain_setting_is_set_once_and_equal_everywhere(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var maps = overlay.All<V1ConfigMap>().ToList();
        AssertSetOnceInCommon(name, overlay, ServiceSettings.ChainSetting, ServiceSettings.ChainReaders);

        // No second chain id anywhere: the keys the services used to read each on their own are gone.
        foreach (var map in maps)
            foreach (var key in (map.Data ?? new Dictionary<string, string>()).Keys)
                Assert.False(key.EndsWith("ChainId", StringComparison.OrdinalIgnoreCase), $"{name}: ConfigMap {map.Metadata.Name} sets {key}");
    }

    // Each key in one place only (the common ConfigMap), never a Deployment's literal, and every reader gets the same value.
    private static void AssertSetOnceInCommon(string name, RenderedOverlay overlay, IReadOnlyList<string> keys, IReadOnlyList<string> readers)
    {
        var maps = overlay.All<V1ConfigMap>().ToList();
        foreach (var key in keys)
        {
            var holders = maps.Where(m => m.Data?.ContainsKey(key) == true).Select(m => m.Metadata.Name).ToList();
            Assert.True(holders.Count == 1 && holders[0].StartsWith("communityai-common", StringComparison.Ordinal),
                $"{name}: {key} must be set once, in communityai-common, not in [{string.Join(", ", holders)}]");
            var values = readers
                .Select(service => overlay.Deployment(service).Spec.Template.Spec.Containers.Single())
                .Select(container => (Literal: container.Env?.Any(e => e.Name == key) == true, Value: ContainerSettings.ConfigMapValue(overlay, container, key)))
                .ToList();
            Assert.All(values, v => Assert.False(v.Literal, $"{name}: a Deployment sets {key} itself"));
            Assert.All(values, v => Assert.False(string.IsNullOrEmpty(v.Value), $"{name}: a chain reader does not get {key}"));
            Assert.Single(values.Select(v => v.Value).Distinct());
        }
    }

    [Fact]
    public void The_dev_overlay_binds_signatures_to_the_development_chains_anchor()
    {
        var overlay = RenderedOverlay.Load("dev");
        var container = overlay.Deployment("contributions").Spec.Template.Spec.Containers.Single();
        Assert.Equal("31337", ContainerSettings.ConfigMapValue(overlay, container, "Chain__Id"));
        // anvil account 0's contract at nonce 2: the HistoryAnchor the dev chain-bridge deploys (ChainDeployer's order).
        Assert.Equal("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", ContainerSettings.ConfigMapValue(overlay, container, "Chain__VerifyingContract"));
    }

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Secret_references_name_the_documented_secrets(string name)
    {
        string[] documented = ["communityai-connections", "communityai-anchorer", "communityai-dev-infra", "communityai-content-keys", "communityai-database-owner", "communityai-broker-admin",
            "communityai-model-builder", "communityai-relayer"];
        var overlay = RenderedOverlay.Load(name);
        foreach (var (owner, pod) in overlay.PodSpecs)
            foreach (var env in pod.Containers.Concat(pod.InitContainers ?? []).SelectMany(c => c.Env ?? []))
                if (env.ValueFrom?.SecretKeyRef is { } reference)
                    Assert.True(documented.Contains(reference.Name), $"{owner} env {env.Name} reads undocumented Secret {reference.Name}");
    }

    /// <summary>"Chain__AnchorerKey" → "AnchorerKey", "ConnectionStrings__history" stays whole so its section is seen.</summary>
    private static string SettingSegment(string key) =>
        key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ? key : key.Split("__")[^1].Replace("_", "", StringComparison.Ordinal);

    [Fact]
    public void Only_the_development_overlay_accepts_a_database_connection_that_does_not_verify_the_server()
    {
        static bool Allows(string overlay) => RenderedOverlay.Load(overlay).All<V1ConfigMap>()
            .Any(map => map.Data?.TryGetValue("Database__AllowUnverifiedConnection", out var value) == true && value == "true");
        Assert.True(Allows("dev"));
        Assert.False(Allows("production"));
    }
}
