using Marten;
using Npgsql;
using NpgsqlTypes;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// The LSH index of earlier texts in the service's schema: each text's MinHash signature under its contribution id and a
/// sequence number, and one row per (band key, sequence number). Lookups read only the contributions that share a band
/// key, through the primary keys' indexes. Rows are written in the transaction that records the automated checks, so the
/// index never holds a text the history lacks.
/// </summary>
/// <remarks>
/// A band row names its text by the signature's sequence number (8 bytes), not the 66-character contribution id: with
/// 16 bands a text, the id made the band rows and their index the largest part of what a contribution wrote here.
/// </remarks>
public static class NearDuplicateIndex
{
    public const string Bands = Extensions.Schema + ".minhash_band_keys";
    public const string Signatures = Extensions.Schema + ".minhash_signatures";

    /// <summary>The band table of indexes written before December 2026, keyed by contribution id; moved over at start.</summary>
    private const string FormerBands = Extensions.Schema + ".minhash_bands";

    /// <summary>Candidates considered per lookup; near-identical texts share most bands, so the best is among the first.</summary>
    public const int MaxCandidates = 500;

    public static readonly string CreateSql = $"""
        CREATE SCHEMA IF NOT EXISTS {Extensions.Schema};
        CREATE TABLE IF NOT EXISTS {Signatures} (
            contribution_id text PRIMARY KEY,
            seq bigserial NOT NULL,
            signature integer[] NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS minhash_signatures_seq ON {Signatures} (seq);
        CREATE TABLE IF NOT EXISTS {Bands} (
            band_key bigint NOT NULL,
            seq bigint NOT NULL,
            PRIMARY KEY (band_key, seq));
        DO $$ BEGIN
            IF to_regclass('{FormerBands}') IS NOT NULL THEN
                INSERT INTO {Bands} (band_key, seq)
                    SELECT b.band_key, s.seq FROM {FormerBands} b JOIN {Signatures} s USING (contribution_id)
                    ON CONFLICT DO NOTHING;
                DROP TABLE {FormerBands};
            END IF;
        END $$;
        """;

    private static readonly string FindSql = $"""
        SELECT s.contribution_id, s.signature
        FROM {Signatures} s
        WHERE s.seq IN (SELECT b.seq FROM {Bands} b WHERE b.band_key = ANY(@keys))
          AND s.contribution_id <> @self
        ORDER BY s.seq
        LIMIT {MaxCandidates}
        """;

    // One statement: the band rows take the sequence number the signature's row was just given.
    private static readonly string AddSql = $"""
        WITH added AS (INSERT INTO {Signatures} (contribution_id, signature) VALUES (?, ?) RETURNING seq)
        INSERT INTO {Bands} (band_key, seq) SELECT DISTINCT k, added.seq FROM added, unnest(?) AS k
        """;

    /// <summary>Removes the texts of <c>?</c> (an array of contribution ids): their signatures, and the band rows of their sequence numbers.</summary>
    public static readonly string DeleteSql = $"""
        WITH gone AS (DELETE FROM {Signatures} WHERE contribution_id = ANY(?) RETURNING seq)
        DELETE FROM {Bands} WHERE seq IN (SELECT seq FROM gone)
        """;

    /// <summary>The earliest-indexed contribution with the highest estimated similarity among those sharing a band.</summary>
    public static async Task<(string ContributionId, double Similarity)?> FindNearestAsync(
        NpgsqlConnection connection, string self, long[] keys, uint[] signature, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { FindCommand(self, keys) } };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadNearestAsync(reader, signature, ct);
    }

    /// <summary>The candidates' query, to send in a batch; read its result with <see cref="ReadNearestAsync"/>.</summary>
    public static NpgsqlBatchCommand FindCommand(string self, long[] keys)
    {
        var command = new NpgsqlBatchCommand(FindSql);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys });
        command.Parameters.AddWithValue("self", self);
        return command;
    }

    public static async Task<(string ContributionId, double Similarity)?> ReadNearestAsync(NpgsqlDataReader reader, uint[] signature, CancellationToken ct)
    {
        (string, double)? best = null;
        while (await reader.ReadAsync(ct))
        {
            var other = reader.GetFieldValue<int[]>(1);
            var similarity = Domain.MinHash.Similarity(signature, System.Runtime.InteropServices.MemoryMarshal.Cast<int, uint>(other));
            if (best is null || similarity > best.Value.Item2)
                best = (reader.GetString(0), similarity);
        }
        return best;
    }

    /// <summary>Queues the text's rows into the session's unit of work, so they commit with its events or not at all.</summary>
    public static void Add(IDocumentSession session, string contributionId, long[] keys, uint[] signature)
    {
        session.QueueSqlCommand(AddSql, contributionId, System.Runtime.InteropServices.MemoryMarshal.Cast<uint, int>(signature).ToArray(), keys);
    }
}
