using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Benchmarks;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.Benchmarks.RewardLedger;

/// <summary>
/// What reading the activated invalidations costs a credit batch against a large history: a synthetic events table of
/// <c>events</c> rows (credits in one filler stream, twenty invalidations in governance's streams), then batches of scores
/// credited by the real <see cref="CreditWriter"/> (time and round trips per batch), with the invalidation follower's
/// checkpoint at 0 with no documents (what the crediter searched before the documents: the whole events table), at the head
/// (documents) and lagging <c>lag</c> events behind; and, on the same table in the same run, the previous design's query alone.
/// </summary>
internal static class InvalidationReads
{
    // The query of the previous design (InvalidationHistory before the documents), kept here only to measure against.
    private const string SearchSql = """
        SELECT data::text FROM history.mt_events
        WHERE type = @type AND starts_with(stream_id, @streams) AND data->>'kind' = @kind
          AND EXISTS (SELECT 1 FROM unnest(@ids) AS wanted(id) WHERE strpos(lower(data->>'payload'), wanted.id) > 0)
        ORDER BY seq_id
        """;

    public static async Task RunAsync(IDocumentStore store, NpgsqlDataSource poll, CreditWriter writer, RoundTrips roundTrips,
        Func<int, ContributionScored> newScored, int events, int lag, int batches, int batchSize)
    {
        // Twenty invalidations, as governance records them, then the filler: events rows copied from one credit.
        var invalidated = new List<InvalidatedContribution>();
        for (var i = 0; i < 20; i++)
        {
            var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
            var proposal = Guid.NewGuid().ToString("N");
            await using var session = store.LightweightSession();
            session.Events.StartStream(RewardPolicyBook.GovernanceStreamPrefix + "proposals/" + proposal, new PolicyActivated(proposal,
                Invalidation.Kind, JsonSerializer.Serialize(new { contributionId = id, reason = "bench" }), "0x00", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
            invalidated.Add(new InvalidatedContribution(id, proposal, "bench", 0, DateTimeOffset.UtcNow));
        }
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("bench/filler", new ContributionRewarded(Hex.Encode(RandomNumberGenerator.GetBytes(32)),
                Hex.Encode(RandomNumberGenerator.GetBytes(20)), "1000", 0, "genesis", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        var fill = Stopwatch.StartNew();
        await BenchSql.CopyFirstEventAsync(poll, "bench/filler", events);
        await BenchSql.ExecuteAsync(poll, "ANALYZE history.mt_events");
        var head = await BenchSql.ScalarAsync(poll, "SELECT max(seq_id) FROM history.mt_events");
        Console.WriteLine($"history: {head:N0} events ({events:N0} filler rows inserted in {fill.Elapsed.TotalSeconds:F1} s)");

        await writer.CreditAsync([newScored(0)], feedCheckpoint: null, traces: null, default); // warm-up (JIT, pools)

        // The previous design's query alone, one batch's ids.
        var search = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            await using var command = poll.CreateCommand(SearchSql);
            command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(PolicyActivated)));
            command.Parameters.AddWithValue("streams", RewardPolicyBook.GovernanceStreamPrefix);
            command.Parameters.AddWithValue("kind", Invalidation.Kind);
            command.Parameters.AddWithValue("ids", Enumerable.Range(0, batchSize).Select(i => i == 0 ? invalidated[b % 20].Id : Hex.Encode(RandomNumberGenerator.GetBytes(32))).ToArray());
            await command.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"  before: search of the whole events table     {search.Elapsed.TotalMilliseconds / batches,9:F1} ms a batch (query alone)");

        // The previous design through the real crediter: no documents and the follower's checkpoint at 0, so the history past
        // it is the whole events table, searched as before (the same round trips: the documents ride in a read it sends anyway).
        await MeasureCreditsAsync("before: no documents, whole table searched", batchSize);
        await MeasureCreditsAsync("before: the same, one credit at a time", 1);

        // The follower's documents as it stores them, and its checkpoint at the head, then lagging.
        var sequences = await SequencesAsync(poll);
        await using (var session = store.LightweightSession())
        {
            foreach (var d in invalidated)
                session.Store(d with { Sequence = sequences[d.ProposalId] });
            session.Store(new FollowerCheckpoint(InvalidationFollower.CheckpointKey, head));
            await session.SaveChangesAsync();
        }
        await MeasureCreditsAsync("after: documents, follower at the head", batchSize);
        await MeasureCreditsAsync("after: the same, one credit at a time", 1);
        await using (var session = store.LightweightSession())
        {
            session.Store(new FollowerCheckpoint(InvalidationFollower.CheckpointKey, head - lag));
            await session.SaveChangesAsync();
        }
        await MeasureCreditsAsync($"after: follower {lag:N0} events behind", batchSize);

        async Task MeasureCreditsAsync(string label, int size)
        {
            var scores = Enumerable.Range(0, batches * size).Select(i => newScored(i)).ToArray();
            var (operations, transactions) = roundTrips.Read();
            var watch = Stopwatch.StartNew();
            var reversed = 0;
            foreach (var chunk in scores.Chunk(size))
                reversed += (await writer.CreditAsync(chunk, feedCheckpoint: null, traces: null, default)).Count;
            watch.Stop();
            var (operationsAfter, transactionsAfter) = roundTrips.Read();
            var trips = (operationsAfter - operations + transactionsAfter - transactions) / (double)batches;
            Console.WriteLine($"  {label,-44} {watch.Elapsed.TotalMilliseconds / batches,9:F1} ms a batch of {size,3} credits, {trips:F2} round trips a batch ({trips / size:F3} a credit), {reversed} credited");
        }
    }

    private static async Task<Dictionary<string, long>> SequencesAsync(NpgsqlDataSource poll)
    {
        await using var command = poll.CreateCommand($"SELECT data->>'proposalId', seq_id FROM history.mt_events WHERE type = '{OutboxRoutes.EventTypeName(typeof(PolicyActivated))}'");
        await using var reader = await command.ExecuteReaderAsync();
        var sequences = new Dictionary<string, long>();
        while (await reader.ReadAsync())
            sequences[reader.GetString(0)] = reader.GetInt64(1);
        return sequences;
    }
}
