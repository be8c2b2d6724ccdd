using System.Diagnostics;
using Npgsql;

namespace CommunityAI.Benchmarks.QualityScoring;

/// <summary>
/// What a phase cost per item, which a shared machine's load distorts far less than its rate: database round trips
/// (<see cref="RoundTrips"/>), CPU time of this process (the service and the benchmark's own publishing) and CPU time of
/// the PostgreSQL backends serving this database (read from /proc, so only where the server runs on this machine), and
/// the write-ahead log the server wrote (the whole server's, so it is this phase's only on a server nothing else uses).
/// </summary>
internal sealed class Costs(RoundTrips roundTrips, NpgsqlDataSource dataSource)
{
    // USER_HZ: /proc reports CPU time in ticks of 1/100 s on Linux.
    private const double TicksPerSecond = 100;

    public sealed record Snapshot(long Commands, TimeSpan ProcessCpu, TimeSpan? DatabaseCpu, long WalBytes);

    public async Task<Snapshot> TakeAsync()
    {
        using var process = Process.GetCurrentProcess();
        await using var wal = dataSource.CreateCommand("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
        return new Snapshot(roundTrips.Commands, process.TotalProcessorTime, await DatabaseCpuAsync(), (long)(await wal.ExecuteScalarAsync())!);
    }

    /// <param name="countsRoundTrips">False for work no consume or review starts (a leader loop's), which <see cref="RoundTrips"/> cannot see.</param>
    public static string PerItem(Snapshot before, Snapshot after, int items, bool countsRoundTrips = true)
    {
        var process = (after.ProcessCpu - before.ProcessCpu).TotalMilliseconds / items;
        var database = after.DatabaseCpu is { } a && before.DatabaseCpu is { } b ? $"{(a - b).TotalMilliseconds / items:F2} ms" : "n/a";
        var wal = (after.WalBytes - before.WalBytes) / 1024.0 / items;
        var commands = after.Commands - before.Commands;
        // Every phase counted writes to the database from its handlers, so no command seen means the count is broken.
        if (countsRoundTrips && commands == 0)
            throw new InvalidOperationException("no database command was counted in a phase that writes: the round-trip count is not seeing the service's commands");
        var roundTrips = countsRoundTrips ? $"{commands / (double)items:F1} round trips, " : "";
        return $"{roundTrips}CPU {process:F2} ms here + {database} PostgreSQL, WAL {wal:F1} KiB";
    }

    // Backends that end during a phase take their CPU time with them; the service's pooled connections stay open.
    private async Task<TimeSpan?> DatabaseCpuAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT pid FROM pg_stat_activity WHERE datname = current_database()");
        var pids = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                pids.Add(reader.GetInt32(0));
        long ticks = 0;
        foreach (var pid in pids)
        {
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        }
        return pids.Count == 0 ? null : TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
