using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.Database;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Every contribution's draw reads its seed round from the reveals before and after it (<see cref="SeedBook.RoundOfSql"/>).
/// Both reads go through the set-up's index on reveals (<see cref="HistoryIndexes.SeedReveals"/>): without it the draw
/// sorted every reveal ever made, a cost that grew by one every round. The rounds themselves are tested through intake in
/// <see cref="AssignmentSeedTests"/>; that every service's start keeps the index, in the database role tests.
/// </summary>
public sealed class SeedRoundIndexTests(ScoringSystemWithoutValidators system) : IClassFixture<ScoringSystemWithoutValidators>
{
    [Fact]
    public async Task A_draws_seed_round_reads_the_reveals_index_both_ways_even_as_a_generic_plan()
    {
        _ = system.Api; // the service created the history
        await using (var owner = NpgsqlDataSource.Create(system.History))
            await HistoryIndexes.CreateAsync(owner, default);
        var secrets = system.Services.GetRequiredService<IDocumentStore>().Options.Schema.For<SeedSecret>();

        var plan = await CommunityAI.Testing.QueryPlans.GenericAsync(system.History, SeedBook.RoundOfSql(secrets), ("@seq", "bigint", "1000"));

        // Every read of the history goes through the index, and each stops at the contribution's place in it: backward
        // for the latest reveal before it, forward for the first after it (none reads every reveal and filters).
        var scans = plan.Where(line => line.Contains(" on mt_events", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scans);
        Assert.All(scans, line => Assert.Contains(HistoryIndexes.SeedReveals.Name, line, StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("Index Cond: (seq_id < $1)", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("Index Cond: (seq_id > $1)", StringComparison.Ordinal));
    }
}
