using Npgsql;
using NpgsqlTypes;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// The LSH index of earlier texts in the service's schema: one row per (band key, contribution) and each text's MinHash
/// signature. Lookups read only the contributions that share a band key, through the primary key's index. Rows are
/// written in the transaction that records the automated checks, so the index never holds a text the history lacks.
/// </summary>
public static class NearDuplicateIndex
{
    public const string Bands = Extensions.Schema + ".minhash_bands";
    public const string Signatures = Extensions.Schema + ".minhash_signatures";

    /// <summary>Candidates considered per lookup; near-identical texts share most bands, so the best is among the first.</summary>
    public const int MaxCandidates = 500;

    public static readonly string CreateSql = $"""
        CREATE SCHEMA IF NOT EXISTS {Extensions.Schema};
        CREATE TABLE IF NOT EXISTS {Signatures} (
            contribution_id text PRIMARY KEY,
            seq bigserial NOT NULL,
            signature integer[] NOT NULL);
        CREATE TABLE IF NOT EXISTS {Bands} (
            band_key bigint NOT NULL,
            contribution_id text NOT NULL,
            PRIMARY KEY (band_key, contribution_id));
        """;

    private static readonly string FindSql = $"""
        SELECT s.contribution_id, s.signature
        FROM {Signatures} s
        WHERE s.contribution_id IN (SELECT DISTINCT b.contribution_id FROM {Bands} b WHERE b.band_key = ANY(@keys))
          AND s.contribution_id <> @self
        ORDER BY s.seq
        LIMIT {MaxCandidates}
        """;

    private static readonly string AddSql = $"""
        INSERT INTO {Signatures} (contribution_id, signature) VALUES (@id, @signature);
        INSERT INTO {Bands} (band_key, contribution_id) SELECT DISTINCT k, @id FROM unnest(@keys) AS k;
        """;

    /// <summary>The earliest-indexed contribution with the highest estimated similarity among those sharing a band.</summary>
    public static async Task<(string ContributionId, double Similarity)?> FindNearestAsync(
        NpgsqlConnection connection, string self, long[] keys, uint[] signature, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(FindSql, connection);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys });
        command.Parameters.AddWithValue("self", self);
        (string, double)? best = null;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var other = reader.GetFieldValue<int[]>(1);
            var similarity = Domain.MinHash.Similarity(signature, System.Runtime.InteropServices.MemoryMarshal.Cast<int, uint>(other));
            if (best is null || similarity > best.Value.Item2)
                best = (reader.GetString(0), similarity);
        }
        return best;
    }

    public static async Task AddAsync(NpgsqlConnection connection, string contributionId, long[] keys, uint[] signature, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(AddSql, connection);
        command.Parameters.AddWithValue("id", contributionId);
        command.Parameters.Add(new NpgsqlParameter("signature", NpgsqlDbType.Array | NpgsqlDbType.Integer)
            { Value = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, int>(signature).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys });
        await command.ExecuteNonQueryAsync(ct);
    }
}
