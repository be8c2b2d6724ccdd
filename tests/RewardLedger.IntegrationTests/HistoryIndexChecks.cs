using CommunityAI.ServiceDefaults.Database;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// What every test of a set-up index on the history checks first: that the set-up creates it and a service's start keeps
/// it. That a query of the ledger reads it is checked on its generic plan (<see cref="QueryPlans"/>).
/// </summary>
internal static class HistoryIndexChecks
{
    /// <summary>Runs the set-up's index creation, starts another replica, and checks <paramref name="index"/> is there and valid.</summary>
    public static async Task CreatedAndKeptAsync(LedgerSystem system, HistoryIndexes.Index index)
    {
        _ = system.Api; // the first replica created the history
        await using (var owner = NpgsqlDataSource.Create(system.History))
            await HistoryIndexes.CreateAsync(owner, default);
        system.StartReplica().Dispose(); // a second start's schema check must not drop what the set-up made
        Assert.Equal(1, await LedgerSql.CountAsync(system.History, $"""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname = '{index.Name}' AND i.indisvalid
            """));
    }
}
