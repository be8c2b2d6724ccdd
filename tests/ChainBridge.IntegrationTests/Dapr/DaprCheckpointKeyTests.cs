using System.Net;
using ChainBridge.IntegrationTests.Checkpoints;
using CommunityAI.ChainBridge.Checkpoints;
using CommunityAI.Formats.Notes;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChainBridge.IntegrationTests.Dapr;

/// <summary>
/// The log's checkpoint key through Dapr.Client from a gRPC server speaking Dapr's secrets API, like the anchoring key:
/// the served checkpoint is signed with the stored key (not a configured one), and a missing or malformed secret stops
/// start-up naming the store and secret without printing the key.
/// </summary>
public sealed class DaprCheckpointKeyTests(BridgeBackends backends) : IClassFixture<BridgeBackends>
{
    private const string Store = "communityai-secrets";
    private const string AnchorerSecret = "communityai-anchorer";
    private const string CheckpointSecret = "communityai-checkpoint";
    private static readonly NoteSigner StoredKey = CheckpointedBridge.LogKey;
    private static readonly NoteSigner ConfiguredKey = new("configured.example/log", Enumerable.Repeat((byte)31, 32).ToArray());

    [Fact]
    public async Task The_checkpoint_is_signed_with_the_key_from_the_store_not_the_configured_one()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[AnchorerSecret] = new() { [AnchorerSecret] = AnvilNode.DevPrivateKeys[3] };
        sidecar.Service.Secrets[CheckpointSecret] = new() { ["checkpoint-key"] = StoredKey.ToPrivateKey(), ["note"] = "rotated 2026-11" };
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar,
            ("Dapr:CheckpointKeyValueName", "checkpoint-key"), ("Checkpoints:SigningKey", ConfiguredKey.ToPrivateKey()))), LogLevel.Trace);
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/checkpoint");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = await response.Content.ReadAsByteArrayAsync();
        Assert.True(SignedCheckpoint.Open(served, StoredKey.Key).IsValid);
        Assert.False(SignedCheckpoint.Open(served, ConfiguredKey.Key).IsValid);
        Assert.Equal(StoredKey.Key.ToString(), host.Services.GetRequiredService<CheckpointSigner>().Signer!.Key.ToString());
        Assert.Contains((Store, CheckpointSecret), sidecar.Service.Requests);
        AssertNoKey(host.Logs.AllText, StoredKey);
        AssertNoKey(host.Logs.AllText, ConfiguredKey);
    }

    [Fact]
    public async Task A_missing_checkpoint_secret_stops_start_up_naming_store_and_secret()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[AnchorerSecret] = new() { [AnchorerSecret] = AnvilNode.DevPrivateKeys[3] };
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar)), LogLevel.Trace);

        var error = StartUpError(host);

        Assert.Contains(CheckpointSecret, error.Message, StringComparison.Ordinal);
        Assert.Contains(Store, error.Message, StringComparison.Ordinal);
        Assert.Contains("checkpoint key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_value_that_is_not_a_private_note_key_stops_start_up_without_printing_it()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[AnchorerSecret] = new() { [AnchorerSecret] = AnvilNode.DevPrivateKeys[3] };
        // A witness's key is a private note key too, but of the cosignature type: not one a log may sign with.
        sidecar.Service.Secrets[CheckpointSecret] = new() { [CheckpointSecret] = CheckpointedBridge.Witness.ToPrivateKey() };
        await using var host = new ChainBridgeHost(backends.Settings(DaprSettings(sidecar)), LogLevel.Trace);

        var error = StartUpError(host);

        Assert.Contains(CheckpointSecret, error.Message, StringComparison.Ordinal);
        Assert.Contains("Ed25519", error.Message, StringComparison.Ordinal);
        AssertNoKey(error.ToString() + host.Logs.AllText, CheckpointedBridge.Witness);
    }

    private static (string, string)[] DaprSettings(SecretsSidecar sidecar, params (string, string)[] extra) =>
    [
        ("Dapr:SecretStore", Store),
        ("Dapr:AnchorerKeySecretName", AnchorerSecret),
        ("Dapr:CheckpointKeySecretName", CheckpointSecret),
        ("DAPR_GRPC_ENDPOINT", sidecar.Endpoint),
        .. extra,
    ];

    private static Exception StartUpError(ChainBridgeHost host) =>
        StartUpFailure.Find(() => host.Services, host.Logs, e => e.Message.Contains(CheckpointSecret, StringComparison.Ordinal), "the checkpoint key");

    private static void AssertNoKey(string text, NoteSigner key)
    {
        var secret = key.ToPrivateKey();
        Assert.False(text.Contains(secret[(secret.LastIndexOf('+') + 1)..], StringComparison.Ordinal), "the private key appears in the logs or an error");
    }
}
