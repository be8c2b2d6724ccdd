using System.Diagnostics;
using CommunityAI.Contracts;
using JasperFx;
using JasperFx.Events;
using Marten;
using Weasel.Core;

namespace CommunityAI.Benchmarks.LoadDriver.Limits;

/// <summary>
/// The raw event-append rate of the same events on the same PostgreSQL, one stream per contribution,
/// quick append, with as many concurrent writers as the HTTP run had in flight: the ceiling intake works under.
/// </summary>
public static class MartenAppendLimit
{
    public static async Task<double> MeasureAsync(string connectionString, int writers, TimeSpan duration, CancellationToken ct)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..8];
        using var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = schema;
            options.Events.DatabaseSchemaName = schema;
            options.Events.StreamIdentity = StreamIdentity.AsString;
            options.Events.AppendMode = EventAppendMode.Quick;
            options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
            options.AutoCreateSchemaObjects = AutoCreate.All;
            options.Events.AddEventType<ContributionSubmitted>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        long appended = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
        {
            var i = 0;
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var id = $"0x{writer:x4}{i++:x60}";
                await using var session = store.LightweightSession();
                session.Events.StartStream($"contributions/{id}", new ContributionSubmitted(id,
                    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "data", "0x" + new string('a', 64),
                    "ipfs://bench/" + i, i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1_900_000_000,
                    "0x" + new string('b', 130), 80, DateTimeOffset.UtcNow));
                await session.SaveChangesAsync(ct);
                Interlocked.Increment(ref appended);
            }
        }));
        var rate = appended / clock.Elapsed.TotalSeconds;

        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync(ct);
        return rate;
    }
}
