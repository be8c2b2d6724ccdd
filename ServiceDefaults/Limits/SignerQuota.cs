using Npgsql;

namespace CommunityAI.ServiceDefaults.Limits;

/// <summary>
/// How many signed requests one signer may make per window, counted in PostgreSQL so every replica draws on the same
/// count (an in-memory limiter per replica multiplies the limit by the replicas). Asked only AFTER the signature
/// check, with the recovered signer: a request claiming someone else's address fails its signature and never touches
/// that person's quota; and a signed request that was already recorded is given back when it arrives again
/// (<see cref="GiveBackAsync"/>), so replaying what the history publishes does not use it up either. Nobody can use up
/// another's allowance. A take names the window it counted in, and a give-back returns it to that window: one given
/// back after the window turned does not add to the next window's allowance.
/// </summary>
/// <remarks>
/// A request whose allowance is taken is carried to its answer whatever its client does (its handler goes on without the
/// request's cancellation): one abandoned mid-way, a replay sent and dropped at once say, would otherwise keep what it
/// took, since only the answer tells a replay to give it back.
/// <para/>
/// Fixed windows aligned to UTC (a window of a day runs midnight to midnight). One statement per check: the upsert
/// counts only while the window has room, so refused requests do not pile up the count. Old windows are swept now
/// and then by the same statements' callers.
/// </remarks>
public sealed class SignerQuota(NpgsqlDataSource database, string schema, TimeProvider clock)
{
    private long _checks;

    /// <summary>A request taken: how many are left, and the window it counted in (its start, in UTC ticks).</summary>
    public readonly record struct Taken(int Left, long Window);

    /// <summary>
    /// Per entry of a batch, whether it was granted; and the window they counted in (its start, in UTC ticks).
    /// </summary>
    public sealed record Granted(bool[] Each, long Window);

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
    /// left in the current <paramref name="window"/>, and which window that is; null, taking nothing, when
    /// <paramref name="limit"/> are used.
    /// </summary>
    public async Task<Taken?> TakeAsync(string scope, string signer, int limit, TimeSpan window, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (Interlocked.Increment(ref _checks) % 1_000 == 0)
            await SweepAsync(window, ct);
        var windowStart = WindowStart(window);
        await using var command = database.CreateCommand($"""
            INSERT INTO {Table} AS q (scope, signer, window_start, used) VALUES ($1, $2, $3, 1)
            ON CONFLICT (scope, signer, window_start) DO UPDATE SET used = q.used + 1 WHERE q.used < $4
            RETURNING used
            """);
        command.Parameters.Add(new() { Value = scope });
        command.Parameters.Add(new() { Value = signer.ToLowerInvariant() });
        command.Parameters.Add(new() { Value = windowStart });
        command.Parameters.Add(new() { Value = limit });
        return await command.ExecuteScalarAsync(ct) is int used ? new Taken(limit - used, windowStart) : null;
    }

    /// <summary>
    /// Takes one request of the allowance in <paramref name="scope"/> for each entry of <paramref name="signers"/> (one
    /// entry per request, a signer may appear many times), in order: entry i is granted when its signer still had room
    /// after the entries before it, exactly as if each had been a <see cref="TakeAsync"/> of its own. One transaction and
    /// three round trips whatever the count, so a batch of a thousand requests costs what three single ones do.
    /// </summary>
    /// <returns>Per entry, whether it was granted; and the window they counted in.</returns>
    public async Task<Granted> TakeEachAsync(string scope, IReadOnlyList<string> signers, int limit, TimeSpan window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signers);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var granted = new bool[signers.Count];
        var windowStart = WindowStart(window);
        if (signers.Count == 0)
            return new(granted, windowStart);
        var checks = Interlocked.Add(ref _checks, signers.Count);
        if (checks / 1_000 != (checks - signers.Count) / 1_000)
            await SweepAsync(window, ct);

        var keys = signers.Select(s => s.ToLowerInvariant()).ToArray();
        // Sorted, so two batches lock the rows they share in the same order and never wait on each other in a cycle.
        var distinct = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // Every signer's row exists first, so each can be locked and its count read under the lock.
        var room = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var look = new NpgsqlBatch(connection, transaction))
        {
            look.BatchCommands.Add(Command($"""
                INSERT INTO {Table} (scope, signer, window_start, used)
                SELECT $1, s, $2, 0 FROM unnest($3::text[]) AS s ORDER BY s ON CONFLICT DO NOTHING
                """, scope, windowStart, distinct));
            look.BatchCommands.Add(Command(
                $"SELECT signer, used FROM {Table} WHERE scope = $1 AND window_start = $2 AND signer = ANY($3) ORDER BY signer FOR UPDATE",
                scope, windowStart, distinct));
            await using var reader = await look.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                room[reader.GetString(0)] = Math.Max(0, limit - reader.GetInt32(1));
        }

        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            if (room[keys[i]] == 0)
                continue;
            room[keys[i]]--;
            taken[keys[i]] = taken.GetValueOrDefault(keys[i]) + 1;
            granted[i] = true;
        }
        if (taken.Count > 0)
        {
            await using var update = new NpgsqlCommand($"""
                UPDATE {Table} AS q SET used = q.used + t.n FROM unnest($3::text[], $4::int[]) AS t(signer, n)
                WHERE q.scope = $1 AND q.window_start = $2 AND q.signer = t.signer
                """, connection, transaction);
            foreach (var value in new object[] { scope, windowStart, taken.Keys.ToArray(), taken.Values.ToArray() })
                update.Parameters.Add(new() { Value = value });
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new(granted, windowStart);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new() { Value = value });
        return command;
    }

    /// <summary>
    /// Gives back one request of the allowance for each entry of <paramref name="signers"/> (a signer may appear many
    /// times): it was taken, then nothing new was done. A request that was already recorded and arrives again (a replay of
    /// a signed request the history publishes, say) is given back, so nobody can use up a signer's allowance by sending its
    /// own published requests again. Given back to <paramref name="window"/>, the one the take named, even after it
    /// ended: the window that followed is not credited with a request it never counted.
    /// </summary>
    public async Task GiveBackAsync(string scope, IReadOnlyCollection<string> signers, long window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signers);
        if (signers.Count == 0)
            return;
        var counts = signers.GroupBy(s => s.ToLowerInvariant(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        await using var command = database.CreateCommand($"""
            UPDATE {Table} AS q SET used = greatest(q.used - t.n, 0) FROM unnest($3::text[], $4::int[]) AS t(signer, n)
            WHERE q.scope = $1 AND q.window_start = $2 AND q.signer = t.signer
            """);
        foreach (var value in new object[] { scope, window, counts.Keys.ToArray(), counts.Values.ToArray() })
            command.Parameters.Add(new() { Value = value });
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
