using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// A job that records each step it takes as a row in the database (so the test sees who works, as a real job's writes
/// would show), and throws while <see cref="FailuresLeft"/> is above zero.
/// </summary>
public sealed class ProbeJob(string instance, NpgsqlDataSource dataSource, LeaderLoopSettings settings) : ILeaderJob
{
    public const string TableSql = "CREATE TABLE IF NOT EXISTS probe_steps (id bigserial PRIMARY KEY, instance text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())";

    private int _failuresLeft;
    private int _terms;

    public LeaderLoopSettings Settings => settings;

    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>While set and not completed, each step waits on it before it writes: a dependency that never answers.</summary>
    public TaskCompletionSource? Hang { get; set; }

    /// <summary>A step is waiting on <see cref="Hang"/>.</summary>
    public bool Hanging => Volatile.Read(ref _hanging) == 1;

    private int _hanging;

    /// <summary>How many more terms throw before their first step.</summary>
    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    /// <summary>How many terms began (attempts that got the lock).</summary>
    public int Terms => Volatile.Read(ref _terms);

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        Interlocked.Increment(ref _terms);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            throw new InvalidOperationException("the probe's dependency is away");
        Interlocked.Exchange(ref _failuresLeft, 0);
        while (!ct.IsCancellationRequested)
        {
            if (Hang is { } hang)
            {
                Volatile.Write(ref _hanging, 1);
                await hang.Task.WaitAsync(ct);
                Volatile.Write(ref _hanging, 0);
            }
            await using (var command = dataSource.CreateCommand("INSERT INTO probe_steps (instance) VALUES (@instance)"))
            {
                command.Parameters.AddWithValue("instance", instance);
                await command.ExecuteNonQueryAsync(ct);
            }
            if (!await term.ContinueAsync(ct) || !await term.WaitAsync(StepDelay, ct))
                return;
        }
    }
}
