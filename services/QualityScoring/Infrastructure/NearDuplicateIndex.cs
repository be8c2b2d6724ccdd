using Marten;
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

    private static readonly string AddSignatureSql = $"INSERT INTO {Signatures} (contribution_id, signature) VALUES (?, ?)";
    private static readonly string AddBandsSql = $"INSERT INTO {Bands} (band_key, contribution_id) SELECT DISTINCT k, ? FROM unnest(?) AS k";

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
        session.QueueSqlCommand(AddSignatureSql, contributionId, System.Runtime.InteropServices.MemoryMarshal.Cast<uint, int>(signature).ToArray());
        session.QueueSqlCommand(AddBandsSql, contributionId, keys);
    }
}
