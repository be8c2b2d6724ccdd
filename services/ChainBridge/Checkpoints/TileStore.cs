using CommunityAI.ChainBridge.Log;
using Npgsql;

namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>Reads tiles' contents from the log's tables: a run of perfect nodes of one level, or a run of canonical entries.</summary>
public sealed class TileStore(NpgsqlDataSource dataSource)
{
    private const string S = LogSchema.Schema;

    /// <summary>The hashes of nodes (<paramref name="level"/>, <paramref name="start"/> … start + count − 1), concatenated; null when one is missing.</summary>
    public async Task<byte[]?> ReadHashesAsync(int level, long start, int count, CancellationToken ct)
    {
        // Leaf hashes are kept with their entries, the perfect subtrees above them in log_nodes (see LogStore).
        await using var command = dataSource.CreateCommand(level == 0
            ? $"SELECT leaf_hash FROM {S}.log_entries WHERE log_index >= @start AND log_index < @end ORDER BY log_index"
            : $"SELECT hash FROM {S}.log_nodes WHERE level = @level AND node_index >= @start AND node_index < @end ORDER BY node_index");
        command.Parameters.AddWithValue("level", level);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("end", start + count);
        var tile = new byte[count * 32];
        int read = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            ((byte[])reader[0]).CopyTo(tile, 32 * read++);
        return read == count ? tile : null;
    }

    /// <summary>The canonical entries <paramref name="start"/> … start + count − 1, in order; null when one is missing.</summary>
    public async Task<IReadOnlyList<byte[]>?> ReadEntriesAsync(long start, int count, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT entry FROM {S}.log_entries WHERE log_index >= @start AND log_index < @end ORDER BY log_index
            """);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("end", start + count);
        var entries = new List<byte[]>(count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries.Add((byte[])reader[0]);
        return entries.Count == count ? entries : null;
    }
}
