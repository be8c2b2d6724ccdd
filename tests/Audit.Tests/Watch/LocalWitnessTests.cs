using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Contracts;
using CommunityAI.Formats.Notes;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>
/// The witness <c>eng/run.sh</c> runs: the AppHost's development keys are the published ones (anyone can derive them;
/// they prove nothing outside a laptop), and the audit tool's <c>witness</c>, reading its key from the environment as
/// the AppHost hands it over, cosigns the real chain-bridge's head under the settings the AppHost gives the bridge, which
/// then serves a checkpoint a client requiring that witness (the portal's explorer) accepts.
/// </summary>
public sealed class LocalWitnessTests
{
    private const string WitnessPhrase = "CommunityAI development witness key (public, never use outside Development)";

    private static readonly IReadOnlyDictionary<string, string> Parameters = ReadParameters();

    [Fact]
    public void The_development_witness_key_is_derived_from_its_published_phrase_and_its_verifier_key_is_the_one_configured()
    {
        var published = new NoteSigner("witness.localhost", SHA256.HashData(Encoding.UTF8.GetBytes(WitnessPhrase)), NoteKey.CosignatureType);
        var configured = NoteSigner.ParsePrivateKey(Parameters["witness-key"]);

        Assert.Equal(published.ToPrivateKey(), configured.ToPrivateKey());
        Assert.Equal(configured.Key.ToString(), Parameters["witness-verifier-key"]);
        Assert.Equal(NoteKey.CosignatureType, configured.Key.Type);
        // The log key the portal checks with is the checkpoint key's verifier key.
        Assert.Equal(NoteSigner.ParsePrivateKey(Parameters["checkpoint-key"]).Key.ToString(), Parameters["log-key"]);
    }

    [Fact]
    public async Task The_local_witness_cosigns_the_bridges_head_with_its_key_from_the_environment_and_the_bridge_serves_it_witnessed()
    {
        var database = await PostgresServer.CreateDatabaseAsync("localwitness");
        var broker = await RabbitServer.CreateVirtualHostAsync("localwitness");
        var variable = $"COMMUNITYAI_TEST_WITNESS_KEY_{Guid.NewGuid():N}";
        try
        {
            // What the AppHost sets on the bridge when it runs the witness.
            await using var bridge = new ServiceHost<LogStore>(new Dictionary<string, string>
            {
                ["ConnectionStrings:history"] = database,
                ["ConnectionStrings:rabbitmq"] = broker,
                ["ConnectionStrings:chain"] = "http://127.0.0.1:9",
                ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
                ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[0],
                ["Checkpoints:SigningKey"] = Parameters["checkpoint-key"],
                ["Checkpoints:Witnesses:0"] = Parameters["witness-verifier-key"],
                ["Checkpoints:WitnessesRequired"] = "1",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            bridge.UseKestrel(0);
            bridge.StartServer();
            var client = bridge.CreateClient();
            await using (var session = bridge.Services.GetRequiredService<IDocumentStore>().LightweightSession())
            {
                for (var i = 0; i < 3; i++)
                    session.Events.Append("test/local", new TreeHeadAnchored(i, "0x" + new string('a', 64), AnvilNode.ChainId, "0x" + new string('b', 40), $"local-{i}", i, DateTimeOffset.UnixEpoch));
                await session.SaveChangesAsync();
            }
            await AnchoredWatchTests.WaitForLogAsync(client, 3);
            var logKey = NoteKey.TryParse(Parameters["log-key"], out var k, out _) ? k : throw new InvalidOperationException("log-key");
            var witnessKey = NoteKey.TryParse(Parameters["witness-verifier-key"], out var w, out _) ? w : throw new InvalidOperationException("witness-verifier-key");
            string[] log = ["--url", client.BaseAddress!.ToString(), "--log-key", Parameters["log-key"], "--once"];
            var before = SignedCheckpoint.Open(await client.GetByteArrayAsync("/checkpoint"), logKey, [witnessKey], required: 1);

            var unset = await AuditRun.RunAsync(["witness", .. log, "--key-env", variable]);
            Environment.SetEnvironmentVariable(variable, Parameters["witness-key"]);
            var both = await AuditRun.RunAsync(["witness", .. log, "--key-env", variable, "--key-file", "witness.key"]);
            var run = await AuditRun.RunAsync(["witness", .. log, "--key-env", variable]);
            var after = SignedCheckpoint.Open(await client.GetByteArrayAsync("/checkpoint"), logKey, [witnessKey], required: 1);

            Assert.False(before.IsValid);
            Assert.Equal(2, unset.ExitCode);
            Assert.Contains($"--key-env {variable}: the variable is not set", unset.Error, StringComparison.Ordinal);
            Assert.Equal(2, both.ExitCode);
            Assert.Contains("one of --key-file or --key-env", both.Error, StringComparison.Ordinal);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("cosigned head 3 as witness.localhost", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Parameters["witness-key"], run.Output + run.Error, StringComparison.Ordinal);
            Assert.True(after.IsValid, after.Error);
            Assert.Equal(3, after.Checkpoint!.TreeSize);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            await RabbitServer.DeleteVirtualHostAsync(broker);
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    private static Dictionary<string, string> ReadParameters()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "AppHost", "appsettings.Development.json")));
        return json.RootElement.GetProperty("Parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
