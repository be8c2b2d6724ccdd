using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.Testing;
using Marten;
using Npgsql;
using LedgerPolicy = CommunityAI.Contracts.RewardPolicyPublished;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> over data-value credits on the real PostgreSQL, written as the services record them (the community model's
/// round with its valuation, the ledger's policy, credits and a closed epoch over them): it recomputes each credit and the
/// claim root they feed, and names a credit edited in the database afterwards and one deleted there.
/// </summary>
public sealed class DataValueAuditTests : IAsyncLifetime
{
    private static readonly string Alice = AnvilNode.DevAddresses[5];
    private static readonly string Bob = AnvilNode.DevAddresses[6];

    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("auditdatavalue");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task Replay_recomputes_every_data_value_credit_and_names_a_tampered_or_deleted_one()
    {
        // Sorted as a valuation lists its shares: the unit the floors leave over goes to the first.
        var (first, second, third) = Ordered(Id(), Id(), Id());
        var (model, root) = (Id(), Id());
        var now = DateTimeOffset.UtcNow;
        await using (var store = Store())
        await using (var session = store.LightweightSession())
        {
            // The genesis policy pays 10 tokens per basis point of a batch's measured gain.
            session.Events.StartStream("ledger/policies", new LedgerPolicy(1, new Dictionary<string, string> { ["data"] = "1000" }, 0, 1,
                "1000000000000000000000", now, DataGainRewardPerBasisPoint: "10000000000000000000"));
            session.Events.StartStream("model/evaluation/1", new EvaluationSplitCommitted(1, Hex.Encode(SHA256.HashData(RandomNumberGenerator.GetBytes(32))), 20, now));
            // The first round: its data batch gained 40 bp, brought 3:2:2 by three contributions, two of them Alice's.
            session.Events.StartStream("model/" + root,
                new ModelTrained(model, root, null, AnvilNode.DevAddresses[9], "test", "test", ["a", "b"], 1, 20, 10, 0, 0, 8, 2, 6000, 6000, now),
                new ModelEvaluated(1, model, root, null, 2, 6000, 6000, null, 0, 0, null, true),
                new DataValued(1, model, root, null, null, null, null,
                    new BatchValue(7, 10, 6000, 5960, 40, [new(first, Alice, 3), new(second, Bob, 2), new(third, Alice, 2)]),
                    new BatchValue(0, 0, null, null, null)));
            // A pool of 400 tokens: 171.43, 114.29, 114.29 floored, the unit left over to the first.
            foreach (var (id, contributor, examples, amount) in new[]
            {
                (first, Alice, 3, "171428571428571428572"), (second, Bob, 2, "114285714285714285714"), (third, Alice, 2, "114285714285714285714"),
            })
                session.Events.StartStream("ledger/data-value/" + id,
                    new DataValueRewarded(id, contributor, "data", 1, model, 40, 7, examples, amount, 0, "reward-1", now));
            var earned = new[] { (Alice, BigInteger.Parse("285714285714285714286", CultureInfo.InvariantCulture)), (Bob, BigInteger.Parse("114285714285714285714", CultureInfo.InvariantCulture)) };
            session.Events.StartStream("ledger/epochs/0", new EpochClosed(0, now, "400000000000000000000", "400000000000000000000", 2, ClaimTree.OfCumulativeAmounts(earned)!.Root));
            await session.SaveChangesAsync();
        }

        var honest = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        Assert.True(honest.ExitCode == 0, honest.ToString());
        var report = First(honest);
        var credits = report.GetProperty("data-value");
        Assert.Equal((3, 3, "400000000000000000000"), (credits.GetProperty("due").GetInt32(), credits.GetProperty("recorded").GetInt32(), credits.GetProperty("paid").ToString()));
        // The claim root the ledger published holds the data-value credits, and the balances are theirs.
        Assert.True(Assert.Single(report.GetProperty("epochs").EnumerateArray()).GetProperty("matches").GetBoolean());
        Assert.Contains(report.GetProperty("balances").EnumerateArray(),
            b => b.GetProperty("address").GetString() == Alice && b.GetProperty("amount").ToString() == "285714285714285714286");

        // One base unit more for the first: the credit no longer follows from its valuation and policy, nor the root from the credits.
        await ExecuteAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{amount}', to_jsonb(((data->>'amount')::numeric + 1)::text))
            WHERE type = 'data_value_rewarded' AND stream_id = 'ledger/data-value/{{first}}'
            """);
        var edited = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        Assert.NotEqual(0, edited.ExitCode);
        var tampered = First(edited);
        var finding = Assert.Single(tampered.GetProperty("data-value").GetProperty("findings").EnumerateArray());
        Assert.Equal("data value reward amount", finding.GetProperty("what").GetString());
        Assert.Contains(first, finding.GetProperty("detail").GetString());
        Assert.Contains(tampered.GetProperty("differences").EnumerateArray(), d => d.GetProperty("what").GetString() == "claimRoot");

        // Bob's credit deleted: his share of the batch is named as unrewarded.
        await ExecuteAsync($"DELETE FROM history.mt_events WHERE type = 'data_value_rewarded' AND stream_id = 'ledger/data-value/{second}'");
        var deleted = First(await AuditRun.RunAsync("replay", "--database", _database, "--json"));

        Assert.Contains(deleted.GetProperty("data-value").GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("what").GetString() == "data value unrewarded" && f.GetProperty("detail").GetString()!.Contains(second));
    }

    /// <summary>A store that writes as the services do: schema "history", string stream keys, camelCase System.Text.Json.</summary>
    private DocumentStore Store() => WrittenHistory.Store(_database, events =>
    {
        events.AddEventType<LedgerPolicy>();
        events.AddEventType<EvaluationSplitCommitted>();
        events.AddEventType<ModelTrained>();
        events.AddEventType<ModelEvaluated>();
        events.AddEventType<DataValued>();
        events.AddEventType<DataValueRewarded>();
        events.AddEventType<EpochClosed>();
    });

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static (string, string, string) Ordered(params string[] ids)
    {
        var sorted = ids.Order(StringComparer.Ordinal).ToArray();
        return (sorted[0], sorted[1], sorted[2]);
    }

    private static string Id() => Hex.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The rewards' report: the first JSON document (the community model's follows it when the history holds model events).</summary>
    private static JsonElement First(AuditRun run)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(run.Output), new JsonReaderOptions { AllowMultipleValues = true });
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.Clone();
    }
}
