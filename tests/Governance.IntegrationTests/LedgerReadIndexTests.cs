using CommunityAI.Contracts;
using CommunityAI.Governance.Infrastructure;
using CommunityAI.ServiceDefaults.Database;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// What governance reads of the ledger's events goes through the set-up's indexes, even as a prepared statement's generic
/// plan, where it would otherwise read every event the history holds: the newest closed epoch (every voter page and
/// proposal) and a closed epoch by number (a vote) through the closings' index (<see cref="HistoryIndexes.EpochCloses"/>),
/// and each kind of credit and debit an epoch's weights are summed from through the index holding its type. What they
/// return is tested through the voter page, the votes and the weights (<see cref="VotingTests"/> and the weight tests).
/// </summary>
public sealed class LedgerReadIndexTests(GovernanceSystem system) : IClassFixture<GovernanceSystem>
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

    [Fact]
    public async Task Each_kind_of_credit_and_debit_read_for_an_epochs_weights_reads_the_index_holding_its_type_even_as_a_generic_plan()
    {
        _ = system.Services;
        string[] reads =
        [
            EarnedWeights.LedgerEventsSql<ContributionRewarded>(), EarnedWeights.LedgerEventsSql<ValidatorsRewarded>(),
            EarnedWeights.LedgerEventsSql<RevenueSplit>(), EarnedWeights.LedgerEventsSql<RewardAdjusted>(),
            EarnedWeights.LedgerEventsSql<AppealSettled>(), EarnedWeights.LedgerEventsSql<ModelGainRewarded>(),
            EarnedWeights.LedgerEventsSql<ModelGainReversed>(), EarnedWeights.LedgerEventsSql<DataValueRewarded>(),
            EarnedWeights.LedgerEventsSql<DataValueReversed>(),
        ];

        foreach (var sql in reads)
        {
            var plan = await QueryPlans.GenericAsync(system.History, sql, ("@prefix", "text", "'ledger/'"));
            var scan = Assert.Single(plan, line => line.Contains(" on mt_events", StringComparison.Ordinal));
            Assert.True(scan.Contains($"using {HistoryIndexes.RewardsInOrder.Name} on", StringComparison.Ordinal)
                        || scan.Contains($"using {HistoryIndexes.LedgerEntries.Name} on", StringComparison.Ordinal), $"{sql}\n{string.Join('\n', plan)}");
        }
    }
}
