using Npgsql;

namespace CommunityAI.ServiceDefaults.Limits;

/// <summary>
/// How many signed requests one signer may make per window, counted in PostgreSQL so every replica draws on the same
/// count (an in-memory limiter per replica multiplies the limit by the replicas). Asked only AFTER the signature
/// check, with the recovered signer: a request claiming someone else's address fails its signature and never touches
/// that person's quota, so nobody can use up another's allowance.
/// </summary>
/// <remarks>
/// Fixed windows aligned to UTC (a window of a day runs midnight to midnight). One statement per check: the upsert
/// counts only while the window has room, so refused requests do not pile up the count. Old windows are swept now
/// and then by the same statements' callers.
/// </remarks>
public sealed class SignerQuota(NpgsqlDataSource database, string schema, TimeProvider clock)
{
    private long _checks;

    /// <summary>The table, in the service's own schema: created at start, if missing, under the service's role.</summary>
    public string Table { get; } = $"\"{schema}\".signer_quota";

    public async Task EnsureTableAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand($"""
            CREATE SCHEMA IF NOT EXISTS "{schema}";
            CREATE TABLE IF NOT EXISTS {Table} (
                scope text NOT NULL, signer text NOT NULL, window_start bigint NOT NULL, used integer NOT NULL,
                PRIMARY KEY (scope, signer, window_start));
            """);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Takes one request of <paramref name="signer"/>'s allowance in <paramref name="scope"/> and returns how many are
    /// left in the current <paramref name="window"/>; null, taking nothing, when <paramref name="limit"/> are used.
    /// </summary>
    public async Task<int?> TakeAsync(string scope, string signer, int limit, TimeSpan window, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (Interlocked.Increment(ref _checks) % 1_000 == 0)
            await SweepAsync(window, ct);
        await using var command = database.CreateCommand($"""
            INSERT INTO {Table} AS q (scope, signer, window_start, used) VALUES ($1, $2, $3, 1)
            ON CONFLICT (scope, signer, window_start) DO UPDATE SET used = q.used + 1 WHERE q.used < $4
            RETURNING used
            """);
        command.Parameters.Add(new() { Value = scope });
        command.Parameters.Add(new() { Value = signer.ToLowerInvariant() });
        command.Parameters.Add(new() { Value = WindowStart(window) });
        command.Parameters.Add(new() { Value = limit });
        return await command.ExecuteScalarAsync(ct) is int used ? limit - used : null;
    }

    /// <summary>Gives one request back (it was taken, then nothing was done: a relay that would have reverted, say).</summary>
    public async Task GiveBackAsync(string scope, string signer, TimeSpan window, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"UPDATE {Table} SET used = greatest(used - 1, 0) WHERE scope = $1 AND signer = $2 AND window_start = $3");
        command.Parameters.Add(new() { Value = scope });
        command.Parameters.Add(new() { Value = signer.ToLowerInvariant() });
        command.Parameters.Add(new() { Value = WindowStart(window) });
        await command.ExecuteNonQueryAsync(ct);
    }

    private long WindowStart(TimeSpan window)
    {
        var now = clock.GetUtcNow().UtcTicks;
        return now - now % window.Ticks;
    }

    // Windows that ended more than a day ago count for nothing.
    private async Task SweepAsync(TimeSpan window, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"DELETE FROM {Table} WHERE window_start < $1");
        command.Parameters.Add(new() { Value = clock.GetUtcNow().UtcTicks - Math.Max(window.Ticks, TimeSpan.TicksPerDay) * 2 });
        await command.ExecuteNonQueryAsync(ct);
    }
}
