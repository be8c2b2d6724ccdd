using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// A fresh database and virtual host per test class, the contributions service (admitting the model's development
/// builder address) and the model service, each started from its own Program; the model reaches contributions over
/// HTTP as it would in a deployment, only through the test server's handler.
/// </summary>
public class ModelService : IAsyncLifetime
{
    /// <summary>anvil's dev key the model signs as in Development and Testing (DevelopmentBuilderKey).</summary>
    public const int BuilderKeyIndex = 9;

    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";
    public WebApplicationFactory<CommunityAI.Contributions.Domain.IntakeOptions> Contributions { get; private set; } = null!;
    public WebApplicationFactory<ModelOptions> Model { get; private set; } = null!;
    public HttpClient ContributionsClient { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    private static long _nonce = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public virtual async Task InitializeAsync()
    {
        History = await PostgresServer.CreateDatabaseAsync("model");
        Broker = await RabbitServer.CreateVirtualHostAsync("model");
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["Chain:Id"] = TestChain.Settings["Chain:Id"]!,
            ["Chain:VerifyingContract"] = TestChain.AnchorContract,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var contributions = new Dictionary<string, string>(common) { ["Datasets:Builders:0"] = AnvilNode.DevAddresses[BuilderKeyIndex] };
        foreach (var (key, value) in ContributionsSettings)
            contributions[key] = value;
        Contributions = new ServiceHost<CommunityAI.Contributions.Domain.IntakeOptions>(contributions);
        ContributionsClient = Contributions.CreateClient();
        var model = new Dictionary<string, string>(common) { ["Model:Licences"] = TestChain.Licence, ["Model:ContributionsUrl"] = "http://localhost" };
        foreach (var (key, value) in ModelSettings)
            model[key] = value;
        Model = new ServiceHost<ModelOptions>(model,
            services => services.AddHttpClient<DatasetClient>().ConfigurePrimaryHttpMessageHandler(() => Contributions.Server.CreateHandler()));
        Client = Model.CreateClient();
    }

    /// <summary>Settings a derived fixture gives the contributions service beside the common ones.</summary>
    protected virtual IReadOnlyDictionary<string, string> ContributionsSettings { get; } = new Dictionary<string, string>();

    /// <summary>Settings a derived fixture gives the model service beside the common ones.</summary>
    protected virtual IReadOnlyDictionary<string, string> ModelSettings { get; } = new Dictionary<string, string>();

    /// <summary>
    /// A contributor's signed contribution of <paramref name="content"/> (a salt line is added, as clients do),
    /// scored <paramref name="score"/> in quality-scoring's stream unless null. Returns its id.
    /// </summary>
    public Task<string> ContributeAsync(string content, int? score = 80, int contributor = 1, string kind = "data") =>
        ContributeAsync(Encoding.UTF8.GetBytes(content), score, contributor, kind);

    /// <summary>The same with binary content (a model file).</summary>
    public async Task<string> ContributeAsync(byte[] content, int? score = 80, int contributor = 1, string kind = "data")
    {
        var nonce = (ulong)Interlocked.Increment(ref _nonce);
        var stored = ContentSalt.Add(content);
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[contributor]), kind, Hex.Encode(SHA256.HashData(stored)),
            $"ipfs://model-test/{nonce}", TestChain.Licence, nonce, (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var body = new JsonObject
        {
            ["contributor"] = payload.Contributor,
            ["kind"] = payload.Kind,
            ["contentHash"] = payload.ContentHash,
            ["contentUri"] = payload.ContentUri,
            ["licence"] = payload.Licence,
            ["nonce"] = nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["deadline"] = payload.Deadline,
            ["signature"] = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[contributor]),
            ["content"] = Convert.ToBase64String(stored),
        };
        using var response = await ContributionsClient.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain));
        if (score is { } s)
        {
            // Quality-scoring's fact, as it would append it to its own stream.
            await using var session = Contributions.Services.GetRequiredService<IDocumentStore>().LightweightSession();
            session.Events.Append("scoring/" + id, new ContributionScored(id, payload.Contributor, kind, s, "scoring-1", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        return id;
    }

    /// <summary>Labelled examples contributed by several contributors in turn (<see cref="ContributorOf"/>), each scored. Returns their ids, in order.</summary>
    public async Task<List<string>> ContributeAsync(IEnumerable<LabelledExample> examples)
    {
        var ids = new List<string>();
        foreach (var example in examples)
            ids.Add(await ContributeAsync(CommunityTexts.Json(example), contributor: ContributorOf(ids.Count)));
        return ids;
    }

    /// <summary>The dev account that contributes the <paramref name="i"/>-th of a list of examples.</summary>
    public static int ContributorOf(int i) => 1 + i % 8;

    /// <summary>The history's rows of one event type, as JSON text in store order.</summary>
    public async Task<List<(string Stream, string Data)>> EventsOfTypeAsync(string type)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select stream_id, data::text from history.mt_events where type = @t order by seq_id", connection);
        command.Parameters.AddWithValue("t", type);
        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    /// <summary>Rows of one table of the model's schema.</summary>
    public async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from model.{table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The auditor's <c>replay</c> over this history: its exit code, and what it printed.</summary>
    public async Task<(int Code, string Output)> ReplayAsync(params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommunityAI.Audit.Commands.AuditApp.RunAsync(["replay", "--database", History, .. extra], output, error);
        return (code, output + "\n" + error);
    }

    /// <summary>The content of every snapshot the history records, as an admitted builder exports it.</summary>
    public async Task<string> ContentFileAsync()
    {
        var datasets = Model.Services.GetRequiredService<DatasetClient>();
        var members = new JsonArray();
        foreach (var (stream, _) in await EventsOfTypeAsync("dataset_snapshotted"))
        {
            var (exported, refusal) = await datasets.ExportAsync(stream["contributions/datasets/".Length..], CancellationToken.None);
            Assert.True(exported is not null, refusal);
            foreach (var m in exported!)
                members.Add(new JsonObject { ["contributionId"] = m.ContributionId, ["content"] = m.Content });
        }
        var path = Path.Combine(Path.GetTempPath(), $"model-content-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, new JsonObject { ["members"] = members, ["predictions"] = new JsonArray() }.ToJsonString());
        return path;
    }

    /// <summary>The replay's row of community model figures (trained, …, findings, contributed models, refused, data valued, data values re-run), columns split.</summary>
    public static string[] ModelRow(string output) =>
        output.Split('\n').SkipWhile(l => !l.StartsWith("community model trainings", StringComparison.Ordinal)).Skip(1).First()
            .Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public virtual async Task DisposeAsync()
    {
        await Model.DisposeAsync();
        await Contributions.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
    }
}
