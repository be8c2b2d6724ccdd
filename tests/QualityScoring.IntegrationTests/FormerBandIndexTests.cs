using CommunityAI.QualityScoring.Infrastructure;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A near-duplicate index written before December 2026 kept its band rows by contribution id. A service started on such a
/// database moves them to sequence numbers once and drops the former table, and a text indexed before the move is still
/// found by its near-duplicates. A class of its own: it rewrites the index's tables.
/// </summary>
public sealed class FormerBandIndexTests(ScoringSystemWithoutValidators system) : IClassFixture<ScoringSystemWithoutValidators>
{
    private const string Original =
        "Gradient checkpointing trades compute for memory: activations are dropped in the forward pass and recomputed " +
        "during the backward pass, so deeper models fit on the same accelerator.";

    [Fact]
    public async Task Band_rows_kept_by_contribution_id_are_moved_at_start_and_still_find_near_duplicates()
    {
        var original = ScoringSystem.Submission(2, Original);
        await system.PublishAsync(original);
        await system.ScoredAsync(original.ContributionId);
        var bands = await CountAsync($"SELECT count(*) FROM {NearDuplicateIndex.Bands}");
        Assert.True(bands > 0);

        // The index as the former service left it: bands by contribution id, no band table by sequence number.
        await ExecuteAsync($"""
            CREATE TABLE scoring.minhash_bands (band_key bigint NOT NULL, contribution_id text NOT NULL, PRIMARY KEY (band_key, contribution_id));
            INSERT INTO scoring.minhash_bands SELECT b.band_key, s.contribution_id FROM {NearDuplicateIndex.Bands} b JOIN {NearDuplicateIndex.Signatures} s USING (seq);
            DROP TABLE {NearDuplicateIndex.Bands};
            DROP INDEX scoring.minhash_signatures_seq;
            """);

        // A restarted service (a second replica runs the same start-up) moves the rows and drops the former table.
        await using var restarted = system.StartReplica();
        using var client = restarted.CreateClient(); // starts it
        Assert.Equal(bands, await CountAsync($"SELECT count(*) FROM {NearDuplicateIndex.Bands}"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM pg_tables WHERE schemaname = 'scoring' AND tablename = 'minhash_bands'"));

        var edited = ScoringSystem.Submission(4, Original.Replace("fit on the same", "fit onto the same", StringComparison.Ordinal));
        await system.PublishAsync(edited);
        var scored = await system.ScoredAsync(edited.ContributionId);
        Assert.Contains("near-duplicate", scored.Components!.Flags);
        Assert.Equal(original.ContributionId, scored.Components.NearDuplicateOf);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<long> CountAsync(string sql) => system.ScalarAsync<long>(sql);
}
