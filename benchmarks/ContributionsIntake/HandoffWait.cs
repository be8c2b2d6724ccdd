using System.Diagnostics;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// Waits until the scoring handoff's checkpoint covers the whole history, which it moves only after the broker confirmed
/// every content up to it in quality-scoring's private queue (nobody consumes it in the benchmark): the service's work
/// for what it accepted goes on after the last answer, on the same cores, and a rate that stopped the clock at the
/// answers would not count it.
/// </summary>
public static class HandoffWait
{
    public static async Task<TimeSpan> UntilHandedOverAsync(IDocumentStore store, string history, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        long last;
        await using (var connection = new NpgsqlConnection(history))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT coalesce(max(seq_id), 0) FROM {HistoryStoreExtensions.EventsSchema}.mt_events", connection);
            last = (long)(await command.ExecuteScalarAsync())!;
        }
        long handedOver;
        while ((handedOver = await FollowerCheckpoint.LoadAsync(store, ScoringContentHandoff.CheckpointKey, legacyTable: null, CancellationToken.None)) < last)
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"the handoff reached event {handedOver} of {last} within {limit}");
            await Task.Delay(50);
        }
        return clock.Elapsed;
    }
}
