using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// The content store's master keys through Dapr.Client from a gRPC server speaking Dapr's secrets API: content stored
/// by the service is wrapped under the key from the secret (not a configured one) and reads back, a rotation between
/// two keys of the secret rewraps every data key, and a sidecar that does not answer, a missing secret, a malformed key
/// or an absent active key stops start-up with a message naming what to fix and no key material, in the error or in
/// any log line.
/// </summary>
public sealed class DaprMasterKeyTests : IAsyncLifetime
{
    private const string Store = "communityai-secrets";
    private const string SecretName = "communityai-content-keys";
    private const int Contributor = 1, Validator = 3;
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly CapturedLogs _logs = new();
    private string _history = "";
    private string _broker = "";

    public async Task InitializeAsync()
    {
        // A database per test: each test's content is under keys only that test's hosts hold.
        _history = await PostgresServer.CreateDatabaseAsync("contrib-dapr");
        _broker = await RabbitServer.CreateVirtualHostAsync("contrib-dapr");
    }

    public async Task DisposeAsync()
    {
        await RabbitServer.DeleteVirtualHostAsync(_broker);
        await PostgresServer.DropDatabaseAsync(_history);
    }

    [Fact]
    public async Task Content_is_wrapped_under_the_key_from_the_dapr_secret_and_reads_back()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { ["2026-12"] = KeyA };
        // A configured key is ignored once the store is set: the content must not be under it.
        await using var host = Host(sidecar, "2026-12", ("ContentStore:MasterKeys:configured", KeyB), ("ContentStore:ActiveMasterKey", "2026-12"));
        using var client = host.CreateClient();

        var (id, stored) = await SubmitAsync(client);
        await AssignAsync(host, id);

        var row = await RowAsync(id);
        Assert.Equal("2026-12", row.MasterKeyId);
        Assert.Equal(32, ContentSealing.Open(Convert.FromBase64String(KeyA), row.WrappedKey, ContentSealing.KeyBinding(id, row.Contributor)).Length);
        Assert.ThrowsAny<CryptographicException>(() => ContentSealing.Open(Convert.FromBase64String(KeyB), row.WrappedKey, ContentSealing.KeyBinding(id, row.Contributor)));
        Assert.Equal(stored, await ReadAsync(client, id));
        Assert.Equal([(Store, SecretName)], sidecar.Service.Requests);
        AssertNoKeyMaterial(_logs.AllText);
    }

    [Fact]
    public async Task A_rotation_between_two_keys_of_the_secret_rewraps_every_data_key_and_the_retired_key_can_go()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { ["2026-11"] = KeyA };
        string id;
        byte[] stored, ciphertext;
        await using (var first = Host(sidecar, "2026-11"))
        {
            using var client = first.CreateClient();
            (id, stored) = await SubmitAsync(client);
            await AssignAsync(first, id);
            ciphertext = (await RowAsync(id)).Ciphertext;
        }

        // The operator adds the new key to the secret and names it active; the leader rewraps.
        sidecar.Service.Secrets[SecretName] = new() { ["2026-11"] = KeyA, ["2026-12"] = KeyB };
        await using (var rotating = Host(sidecar, "2026-12", ("ContentStore:RewrapInterval", "00:00:00.200")))
        {
            _ = rotating.CreateClient();
            await Eventually.MatchesAsync(async () => (await RowAsync(id)).MasterKeyId, k => k == "2026-12", "the data key under the new master key");
        }
        var rewrapped = await RowAsync(id);
        Assert.Equal(ciphertext, rewrapped.Ciphertext);
        Assert.Equal(32, ContentSealing.Open(Convert.FromBase64String(KeyB), rewrapped.WrappedKey, ContentSealing.KeyBinding(id, rewrapped.Contributor)).Length);

        // The retired key is removed from the secret (and destroyed); the content still opens.
        sidecar.Service.Secrets[SecretName] = new() { ["2026-12"] = KeyB };
        await using var after = Host(sidecar, "2026-12");
        Assert.Equal(stored, await ReadAsync(after.CreateClient(), id));
        AssertNoKeyMaterial(_logs.AllText);
    }

    [Fact]
    public async Task A_sidecar_that_does_not_answer_stops_start_up_naming_its_endpoint_store_and_secret()
    {
        var closed = $"http://127.0.0.1:{FreePort.Next()}";
        await using var host = new ContributionsHost(Settings(
            ("Dapr:SecretStore", Store), ("Dapr:SidecarTimeout", "00:00:01"), ("DAPR_GRPC_ENDPOINT", closed),
            ("ContentStore:MasterKeysSecretName", SecretName), ("ContentStore:ActiveMasterKey", "2026-12"),
            ("ContentStore:MasterKeys:2026-12", KeyA)), _logs);

        var error = StartUpError(host);

        Assert.Contains(closed, error.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        Assert.Contains(SecretName, error.Message, StringComparison.Ordinal);
        Assert.Contains(Store, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_missing_from_the_store_stops_start_up_naming_store_and_secret()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        await using var host = Host(sidecar, "2026-12");

        var error = StartUpError(host);

        Assert.Contains(SecretName, error.Message, StringComparison.Ordinal);
        Assert.Contains(Store, error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("master keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_active_key_absent_from_the_secret_stops_start_up_listing_the_key_ids_only()
    {
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { ["2026-11"] = KeyA, ["2026-12"] = KeyB };
        await using var host = Host(sidecar, "2027-01");

        var error = StartUpError(host);

        Assert.Contains("ContentStore:ActiveMasterKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("2027-01 is not one (it has 2026-11, 2026-12)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Dapr secret {SecretName} in store {Store}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_key_in_the_secret_stops_start_up_naming_it_without_printing_it()
    {
        var shortKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await using var sidecar = await SecretsSidecar.StartAsync(Store);
        sidecar.Service.Secrets[SecretName] = new() { ["2026-11"] = shortKey, ["2026-12"] = KeyA };
        await using var host = Host(sidecar, "2026-12");

        var error = StartUpError(host, shortKey);

        Assert.Contains($"value 2026-11 of Dapr secret {SecretName} in store {Store} must be 32 bytes in base64", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-12 must", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_without_the_secrets_name_is_refused_at_start_up()
    {
        await using var host = new ContributionsHost(Settings(("Dapr:SecretStore", Store), ("ContentStore:ActiveMasterKey", "2026-12")), _logs);

        // Found where the start-up failure is, in what was thrown or what the host logged (the factory can throw
        // ObjectDisposedException in its place when the app stops at once: StartUpFailure).
        var error = StartUpFailure.Find(() => host.Services, _logs, e => e.Message.Contains("ContentStore:MasterKeysSecretName must name", StringComparison.Ordinal),
            "the missing secret name");

        Assert.Contains("ContentStore:MasterKeysSecretName must name", error.Message, StringComparison.Ordinal);
    }

    private ContributionsHost Host(SecretsSidecar sidecar, string activeKey, params (string, string)[] extra) =>
        new(Settings([
            ("Dapr:SecretStore", Store),
            ("DAPR_GRPC_ENDPOINT", sidecar.Endpoint),
            ("ContentStore:MasterKeysSecretName", SecretName),
            ("ContentStore:ActiveMasterKey", activeKey),
            .. extra]), _logs);

    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = _history,
            ["ConnectionStrings:rabbitmq"] = _broker,
            ["Chain:Id"] = TestChain.Settings["Chain:Id"]!,
            ["Chain:VerifyingContract"] = TestChain.AnchorContract,
            // Every level, so a key written at any level would be caught.
            ["Logging:LogLevel:Default"] = "Trace",
        };
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    private static async Task<(string Id, byte[] Stored)> SubmitAsync(HttpClient client)
    {
        var (id, body) = Signed.Contribution(Contributor, text: "private-text-" + Guid.NewGuid().ToString("N"));
        using var response = await client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (id, Convert.FromBase64String(body["content"]!.GetValue<string>()));
    }

    private static async Task AssignAsync(ContributionsHost host, string id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append("scoring/" + id, new ReviewersAssigned(id, [new AssignedReviewer(AnvilNode.DevAddresses[Validator], 0.5m)],
            3, 1, DateTimeOffset.UtcNow.AddMinutes(10), "scoring-1", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    private static async Task<byte[]> ReadAsync(HttpClient client, string id)
    {
        using var response = await client.ReadAsync(id, ContentRequests.Read(Validator, id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Convert.FromBase64String((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString()!);
    }

    private async Task<(string MasterKeyId, string Contributor, byte[] WrappedKey, byte[] Ciphertext)> RowAsync(string id)
    {
        await using var connection = new NpgsqlConnection(_history);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT master_key_id, contributor, wrapped_key, ciphertext FROM contributions.content WHERE contribution_id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no stored content for {id}");
        return (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3));
    }

    /// <summary>The start-up failure, checked to hold no key material (nor do the logs written until then).</summary>
    private MasterKeysUnavailableException StartUpError(ContributionsHost host, params string[] alsoSecret)
    {
        var error = (MasterKeysUnavailableException)StartUpFailure.Find(() => host.Services, _logs, e => e is MasterKeysUnavailableException, "the master keys");
        AssertNoKeyMaterial(error + "\n" + _logs.AllText, alsoSecret);
        return error;
    }

    private static void AssertNoKeyMaterial(string text, params string[] alsoSecret)
    {
        foreach (var key in new[] { KeyA, KeyB }.Concat(alsoSecret))
        {
            Assert.False(text.Contains(key, StringComparison.Ordinal), "a master key appears in the logs or an error");
            Assert.False(text.Contains(Convert.ToHexString(Convert.FromBase64String(key)), StringComparison.OrdinalIgnoreCase),
                "a master key appears (in hex) in the logs or an error");
        }
    }
}
