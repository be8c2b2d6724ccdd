using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace CommunityAI.Benchmarks.QualityScoring;

/// <summary>Fills the service's near-duplicate index with many texts at once (binary COPY), as years of intake would.</summary>
internal static class IndexLoader
{
    public static async Task LoadAsync(NpgsqlDataSource dataSource, IReadOnlyList<(string Id, uint[] Signature, long[] Bands)> rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var signatures = await connection.BeginBinaryImportAsync($"COPY {NearDuplicateIndex.Signatures} (contribution_id, signature) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                await signatures.StartRowAsync();
                await signatures.WriteAsync(row.Id, NpgsqlDbType.Text);
                await signatures.WriteAsync(System.Runtime.InteropServices.MemoryMarshal.Cast<uint, int>(row.Signature).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
            }
            await signatures.CompleteAsync();
        }
        // Band rows name their text by the sequence number its signature row was given: copied by id, then joined.
        await using (var temporary = new NpgsqlCommand("CREATE TEMP TABLE bench_bands (band_key bigint, contribution_id text)", connection))
            await temporary.ExecuteNonQueryAsync();
        await using (var bands = await connection.BeginBinaryImportAsync("COPY bench_bands (band_key, contribution_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                foreach (var key in row.Bands.Distinct())
                {
                    await bands.StartRowAsync();
                    await bands.WriteAsync(key, NpgsqlDbType.Bigint);
                    await bands.WriteAsync(row.Id, NpgsqlDbType.Text);
                }
            }
            await bands.CompleteAsync();
        }
        await using (var join = new NpgsqlCommand(
            $"INSERT INTO {NearDuplicateIndex.Bands} (band_key, seq) SELECT b.band_key, s.seq FROM bench_bands b JOIN {NearDuplicateIndex.Signatures} s USING (contribution_id); DROP TABLE bench_bands",
            connection))
            await join.ExecuteNonQueryAsync();
        await using var analyze = new NpgsqlCommand($"ANALYZE {NearDuplicateIndex.Signatures}; ANALYZE {NearDuplicateIndex.Bands};", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    public static (string, uint[], long[]) Row(MinHash minHash, string id, string text)
    {
        var signature = minHash.Signature(MinHash.Normalise(text));
        return (id, signature, minHash.BandKeys(signature));
    }
}
