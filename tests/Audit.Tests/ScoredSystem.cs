using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// An honest quality-scoring history in a fresh database, one contribution per way a score is made: accepted and
/// rejected by consensus (with a clipped review), no quorum, no validators, an exact duplicate. Tests that tamper
/// work on a copy.
/// </summary>
public sealed class ScoredSystem : IAsyncLifetime
{
    private readonly List<string> _clones = [];

    public string Database { get; private set; } = "";
    public string Accepted { get; private set; } = "";
    public string Rejected { get; private set; } = "";
    public string NoQuorum { get; private set; } = "";
    public string NoValidators { get; private set; } = "";
    public string Duplicate { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await PostgresServer.CreateDatabaseAsync("auditscores");
        await using var history = new ScoringHistory(Database);
        await history.PublishPolicyAsync();
        // Median 75 (0.3 + 0.8 of 1.6 at or below it); the 20 lies 55 from it, beyond the clip distance of 15.
        // Final (40 · 72 + 60 · 75 + 50) / 100 = 74: the +50 rounds up here.
        Accepted = await history.ScoreAsync(72, [(2, 0.5m), (3, 0.8m), (4, 0.3m)], [(2, 80, "accept"), (3, 75, "accept"), (4, 20, "reject")]);
        // Reject weight 1.0 against accept 0.9.
        Rejected = await history.ScoreAsync(60, [(5, 0.6m), (6, 0.4m), (7, 0.9m)], [(5, 30, "reject"), (6, 35, "reject"), (7, 40, "accept")]);
        NoQuorum = await history.ScoreAsync(55, [(2, 0.5m), (3, 0.5m), (4, 0.5m)], [(2, 90, "accept")]);
        NoValidators = await history.ScoreAsync(50, [], []);
        Duplicate = await history.ScoreAsync(70, [(2, 0.5m)], [], duplicateOf: Accepted);
    }

    /// <summary>A copy of the history database to tamper with (CREATE DATABASE … TEMPLATE).</summary>
    public async Task<string> CloneAsync()
    {
        var server = await PostgresServer.ServerConnectionStringAsync();
        var source = new NpgsqlConnectionStringBuilder(Database).Database!;
        var name = $"t_scoreclone_{Guid.NewGuid():N}";
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{source}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var clone = new NpgsqlConnectionStringBuilder(Database) { Database = name }.ConnectionString;
        lock (_clones)
            _clones.Add(clone);
        return clone;
    }

    public async Task DisposeAsync()
    {
        foreach (var clone in _clones)
            await PostgresServer.DropDatabaseAsync(clone);
        if (Database.Length > 0)
            await PostgresServer.DropDatabaseAsync(Database);
    }
}
