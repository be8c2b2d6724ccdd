using CommunityAI.Governance.Infrastructure;
using CommunityAI.ServiceDefaults.Database;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Governance reads the newest closed epoch for every voter page and proposal, and a closed epoch by number for a vote:
/// both read the set-up's index of the ledger's closings (<see cref="HistoryIndexes.EpochCloses"/>), even as a prepared
/// statement's generic plan, where they read every event the history holds. What they return is tested through the
/// voter page and the votes (<see cref="VotingTests"/>).
/// </summary>
public sealed class EpochClosesIndexTests(GovernanceSystem system) : IClassFixture<GovernanceSystem>
{
    [Fact]
    public async Task The_newest_closing_and_a_closing_by_number_read_the_closings_index_even_as_a_generic_plan()
    {
        _ = system.Services; // a service's start keeps what the set-up made

        var newest = await QueryPlans.GenericAsync(system.History, EarnedWeights.NewestClosedSql, ("@prefix", "text", "'ledger/'"));
        var byNumber = await QueryPlans.GenericAsync(system.History, EarnedWeights.ClosedSql, ("@prefix", "text", "'ledger/'"), ("@epoch", "bigint", "3"));

        Assert.Contains(newest, line => line.Contains($"Index Scan Backward using {HistoryIndexes.EpochCloses.Name} on", StringComparison.Ordinal));
        Assert.Contains(byNumber, line => line.Contains($"Index Scan using {HistoryIndexes.EpochCloses.Name} on", StringComparison.Ordinal));
        Assert.DoesNotContain(newest.Concat(byNumber), line => line.Contains("Seq Scan", StringComparison.Ordinal));
    }
}
