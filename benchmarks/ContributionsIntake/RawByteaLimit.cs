using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// The limit for content uploads: plain PostgreSQL bytea inserts of the same size on the same database, one row per
/// transaction, as many concurrent writers as the HTTP run used. No hashing, signing, encryption nor history event.
/// </summary>
public static class RawByteaLimit
{
    public static async Task<double> MeasureAsync(string connectionString, int writers, int count, int bytes)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS bench_bytea (id bigint PRIMARY KEY, data bytea NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        var payload = RandomNumberGenerator.GetBytes(bytes); // random, so TOAST compression gains nothing, as with ciphertext
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await using var insert = dataSource.CreateCommand("INSERT INTO bench_bytea (id, data) VALUES ($1, $2)");
                insert.Parameters.AddWithValue((long)i);
                insert.Parameters.AddWithValue(payload);
                await insert.ExecuteNonQueryAsync();
            }
        }));
        return count / clock.Elapsed.TotalSeconds;
    }
}
