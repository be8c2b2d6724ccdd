using System.Net;
using System.Net.Http.Json;
using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Testing;
using Microsoft.Extensions.Logging;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests.Dapr;

/// <summary>
/// The anchoring key through Dapr.Client from a gRPC server speaking Dapr's secrets API, or from
/// configuration without a sidecar; every failure stops start-up with a message naming the source,
/// and the key shows up in no log line and no exception, at any level.
/// </summary>
public sealed class DaprAnchorerKeyTests(BridgeBackends backends) : IClassFixture<BridgeBackends>
{
    private const string Store = "communityai-secrets";
    private const string SecretName = "communityai-anchorer";
    private static readonly string DaprKey = AnvilNode.DevPrivateKeys[3];
    private static readonly string DaprAccount = AnvilNode.DevAddresses[3];
    private static readonly string ConfiguredKey = AnvilNode.DevPrivateKeys[4];

    [Fact]
    public async Task The_key_comes_from_the_configured_store_and_secret_and_signs_the_bridges_transactions()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        // Shaped as secretstores.kubernetes answers: every value of the Kubernetes Secret.
        sidecar.Service.Secrets[SecretName] = new() { ["anchorer-key"] = DaprKey, ["note"] = "rotated 2026-01" };
        await using var host = new ChainBridgeHost(backends.Settings(
            DaprSettings(sidecar, ("Dapr:AnchorerKeyValueName", "anchorer-key"), ("Chain:AnchorerKey", ConfiguredKey))), LogLevel.Trace);

        Assert.Equal(DaprAccount, host.Chain.Sender.Address);
        Assert.Equal([(Store, SecretName)], sidecar.Service.Requests);

        // The bridge deploys its contracts with that account, which makes it the anchorer on chain.
        using var client = host.CreateClient();
        var chain = await Eventually(async () =>
        {
            using var response = await client.GetAsync("/api/chain");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<CommunityAI.ChainBridge.Apis.ChainApi.ChainResponse>() : null;
        });
        var anchor = new AnchorContract(new Web3(backends.Anvil.RpcUrl), chain.AnchorContract);
        Assert.True(await anchor.IsAnchorerAsync(DaprAccount));
        AssertNoKey(host.Logs.AllText, DaprKey);
        AssertNoKey(host.Logs.AllText, ConfiguredKey);
    }

    [Fact]
    public async Task A_secret_holding_only_the_key_needs_no_value_name()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { [SecretName] = DaprKey.ToUpperInvariant().Replace("0X", "", StringComparison.Ordinal) + "\n" };
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar)));

        Assert.Equal(DaprAccount, host.Chain.Sender.Address);
    }

    [Fact]
    public async Task A_secret_missing_from_the_store_stops_start_up_naming_store_and_secret()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar)), LogLevel.Trace);

        var error = StartUpError(host);

        Assert.Contains(SecretName, error.Message, StringComparison.Ordinal);
        Assert.Contains(Store, error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Equal([(Store, SecretName)], sidecar.Service.Requests);
    }

    [Fact]
    public async Task An_unknown_store_stops_start_up_with_the_sidecars_answer()
    {
        await using var sidecar = await SecretsSidecar.StartAsync("another-store");
        sidecar.Service.Secrets[SecretName] = new() { [SecretName] = DaprKey };
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar)));

        var error = StartUpError(host);

        Assert.Contains("InvalidArgument", error.Message, StringComparison.Ordinal);
        Assert.Contains(Store, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_sidecar_stops_start_up_naming_its_endpoint()
    {
        var closed = $"http://127.0.0.1:{FreePort.Next()}";
        await using var host = new ChainBridgeHost(backends.Settings(
            ("Dapr:SecretStore", Store), ("Dapr:AnchorerKeySecretName", SecretName), ("Dapr:SidecarTimeout", "00:00:01"),
            ("DAPR_GRPC_ENDPOINT", closed), ("Chain:AnchorerKey", ConfiguredKey)), LogLevel.Trace);

        var error = StartUpError(host);

        Assert.Contains(closed, error.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        AssertNoKey(error.ToString() + host.Logs.AllText, ConfiguredKey);
    }

    [Fact]
    public async Task A_secret_of_several_values_without_a_value_name_stops_start_up_listing_the_names_only()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { ["anchorer-key"] = DaprKey, ["backup-key"] = ConfiguredKey };
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar)), LogLevel.Trace);

        var error = StartUpError(host);

        Assert.Contains("anchorer-key, backup-key", error.Message, StringComparison.Ordinal);
        Assert.Contains("Dapr:AnchorerKeyValueName", error.Message, StringComparison.Ordinal);
        AssertNoKey(error.ToString() + host.Logs.AllText, DaprKey);
        AssertNoKey(error.ToString() + host.Logs.AllText, ConfiguredKey);
    }

    public static TheoryData<string, string> MalformedKeys => new()
    {
        { "0x" + new string('a', 63), "63 hex digits" },
        { "0x" + new string('a', 65), "65 hex digits" },
        { "0x" + new string('a', 62) + "zz", "not hex digits" },
        { "0x" + new string('0', 64), "private-key range" },
        { "0x" + new string('f', 64), "private-key range" },
        { "   ", "empty" },
    };

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task A_malformed_key_in_the_store_stops_start_up_saying_why_without_printing_it(string malformed, string reason)
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { [SecretName] = malformed };
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar)), LogLevel.Trace);

        var error = StartUpError(host);

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(SecretName, error.Message, StringComparison.Ordinal);
        if (malformed.Trim().Length > 0)
            AssertNoKey(error.ToString() + host.Logs.AllText, malformed);
    }

    [Fact]
    public async Task Without_dapr_the_key_comes_from_configuration()
    {
        await using var host = new ChainBridgeHost(backends.Settings(("Chain:AnchorerKey", ConfiguredKey)), LogLevel.Trace);

        Assert.Equal(AnvilNode.DevAddresses[4], host.Chain.Sender.Address);
        AssertNoKey(host.Logs.AllText, ConfiguredKey);
    }

    [Fact]
    public async Task Without_dapr_or_a_configured_key_start_up_says_where_the_key_should_be()
    {
        await using var host = new ChainBridgeHost(backends.Settings());

        var error = StartUpError(host);

        Assert.Contains("Chain:AnchorerKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Dapr:SecretStore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_without_a_secret_name_is_refused_at_start_up()
    {
        await using var host = new ChainBridgeHost(backends.Settings(("Dapr:SecretStore", Store), ("Chain:AnchorerKey", ConfiguredKey)));

        // As in StartUpError: the failure may be in the host's log rather than in what the factory threw.
        var error = StartUpFailure.Find(() => host.Services, host.Logs, e => e.Message.Contains("Dapr:AnchorerKeySecretName", StringComparison.Ordinal),
            "the missing secret name");

        Assert.Contains("Dapr:AnchorerKeySecretName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_that_fails_after_start_up_never_gets_the_key_logged()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { [SecretName] = DaprKey };
        var settings = backends.Settings(DaprSettings(sidecar));
        settings["ConnectionStrings:chain"] = $"http://127.0.0.1:{FreePort.Next()}";
        await using var host = new ChainBridgeHost(settings, LogLevel.Trace);

        _ = host.Services;
        await Eventually(() => Task.FromResult(host.Logs.Lines.FirstOrDefault(l => l.Contains("anchor-scheduler paused after a failure", StringComparison.Ordinal))));

        AssertNoKey(host.Logs.AllText, DaprKey);
    }

    private static (string, string)[] DaprSettings(SecretsSidecar sidecar, params (string, string)[] extra) =>
    [
        ("Dapr:SecretStore", Store),
        ("Dapr:AnchorerKeySecretName", SecretName),
        ("DAPR_GRPC_ENDPOINT", sidecar.Endpoint),
        .. extra,
    ];

    private static AnchorerKeyUnavailableException StartUpError(ChainBridgeHost host)
    {
        var error = (AnchorerKeyUnavailableException)StartUpFailure.Find(() => host.Services, host.Logs, e => e is AnchorerKeyUnavailableException, "the anchoring key");
        AssertNoKey(error + host.Logs.AllText, DaprKey);
        AssertNoKey(error + host.Logs.AllText, ConfiguredKey);
        return error;
    }

    private static void AssertNoKey(string text, string key)
    {
        var digits = key.Trim().StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? key.Trim()[2..] : key.Trim();
        Assert.False(text.Contains(digits, StringComparison.OrdinalIgnoreCase), "the key appears in the logs or an error");
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
                return found;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException("timed out waiting");
    }
}
