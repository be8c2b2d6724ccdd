using System.Diagnostics;
using CommunityAI.Contracts;
using JasperFx;
using JasperFx.Events;
using Marten;
using Weasel.Core;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// The limit: Marten's raw append rate of the same events on the same database, one new stream per event, quick append,
/// as many concurrent writers as the HTTP run used, and as many streams per session as the run stored per transaction
/// (one for single submissions, a batch's worth for batches).
/// </summary>
public static class RawAppendLimit
{
    public static async Task<double> MeasureAsync(string connectionString, int writers, int count, int perSession = 1)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = "bench_limit";
            options.Events.DatabaseSchemaName = "bench_limit_history";
            options.Events.StreamIdentity = StreamIdentity.AsString;
            options.Events.AppendMode = EventAppendMode.Quick;
            options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
            options.AutoCreateSchemaObjects = AutoCreate.All;
            options.Events.AddEventType<ContributionSubmitted>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) * perSession < count)
            {
                await using var session = store.LightweightSession();
                for (var i = batch * perSession; i < Math.Min(count, (batch + 1) * perSession); i++)
                {
                    var submitted = Presigned.Event(i);
                    session.Events.StartStream("contributions/" + submitted.ContributionId, submitted);
                }
                await session.SaveChangesAsync();
            }
        }));
        return count / clock.Elapsed.TotalSeconds;
    }
}
