namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// Credits follow quality-scoring's scores in the history, not bus notices: a score whose notice never came is credited,
/// and a replica stopped mid-backlog leaves the rest to the next one, each score credited once.
/// </summary>
public sealed class ScoreFollowerTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    [Fact]
    public async Task Scores_recorded_with_no_notice_at_all_are_each_credited_once()
    {
        _ = system.Api;
        var scores = Enumerable.Range(0, 60).Select(i => LedgerSystem.Scored(LedgerSystem.RandomAddress(), 30 + i)).ToList();
        await system.RecordAsync(scores); // recorded, never published: as if every notice were lost

        var ids = string.Join(",", scores.Select(s => $"'{s.ContributionId}'"));
        await Eventually.MatchesAsync(() => CreditsAsync($"data->>'contributionId' IN ({ids})"), n => n == scores.Count, "every recorded score credited");
        Assert.Equal(scores.Count, await CreditsAsync($"data->>'contributionId' IN ({ids})", distinct: true));
    }

    private Task<long> CreditsAsync(string where, bool distinct = false) => system.CreditsAsync(where, distinct);
}

/// <summary>A rolling restart in the middle of a backlog (its own fixture: the test stops the first replica).</summary>
public sealed class ScoreFollowerRestartTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    private const int Backlog = 600;

    [Fact]
    public async Task A_replica_stopped_mid_backlog_leaves_the_rest_to_the_next_and_nothing_is_credited_twice()
    {
        _ = system.Api;
        var before = await CreditsAsync("true");
        var addresses = Enumerable.Range(0, 30).Select(_ => LedgerSystem.RandomAddress()).ToList();
        var scores = Enumerable.Range(0, Backlog).Select(i => LedgerSystem.Scored(addresses[i % addresses.Count], 50)).ToList();
        await system.RecordAsync(scores);

        // The first replica leads (it started first); stop it once it is part way through.
        await Eventually.MatchesAsync(() => CreditsAsync("true"), n => n > before, "the first replica to start crediting", TimeSpan.FromSeconds(60));
        system.StartReplica();
        await system.StopReplicaAsync(0);

        await Eventually.MatchesAsync(() => CreditsAsync("true"), n => n >= before + Backlog, "the second replica to credit the rest", TimeSpan.FromSeconds(120));
        Assert.Equal(before + Backlog, await CreditsAsync("true"));
        Assert.Equal(before + Backlog, await CreditsAsync("true", distinct: true));
        Assert.Equal(before + Backlog, await LedgerSql.CountAsync(system.History, "SELECT count(*) FROM ledger.mt_doc_journalentry"));
    }

    private Task<long> CreditsAsync(string where, bool distinct = false) => system.CreditsAsync(where, distinct);
}
