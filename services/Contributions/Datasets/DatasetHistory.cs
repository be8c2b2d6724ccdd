using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// What datasets read from the history: the contributions a snapshot's criteria select, a recorded snapshot, and which
/// of its members were erased since. Submissions and erasures come from this service's streams, scores only from
/// quality-scoring's (<c>scoring/{id}</c>); a contribution scored more than once counts with its latest score.
/// </summary>
public sealed class DatasetHistory(NpgsqlDataSource dataSource)
{
    /// <summary>Stream of a snapshot: under this service's prefix, so the outbox publishes it.</summary>
    public const string StreamPrefix = ContributionAppender.StreamPrefix + "datasets/";

    private static readonly string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";

    private static readonly string SelectSql = $"""
        SELECT s.data->>'contributionId', s.data->>'contentHash'
        FROM {Events} s
        CROSS JOIN LATERAL (
            SELECT (c.data->>'score')::int AS score FROM {Events} c
            WHERE c.stream_id = 'scoring/' || (s.data->>'contributionId') AND c.type = 'contribution_scored'
            ORDER BY c.seq_id DESC LIMIT 1) latest
        WHERE s.type = 'contribution_submitted' AND s.stream_id = '{ContributionAppender.StreamPrefix}' || (s.data->>'contributionId')
          AND s.data->>'kind' = @kind AND s.data->>'licence' = ANY(@licences) AND latest.score >= @minScore
          AND NOT EXISTS (SELECT 1 FROM {Events} e WHERE e.stream_id = s.stream_id AND e.type = 'contribution_erased')
        ORDER BY s.seq_id
        LIMIT @limit
        """;

    /// <summary>The matching members in history order, at most <paramref name="limit"/>.</summary>
    public async Task<List<DatasetMember>> SelectAsync(string kind, int minScore, IReadOnlyList<string> licences, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(SelectSql);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("licences", licences.ToArray());
        command.Parameters.AddWithValue("minScore", minScore);
        command.Parameters.AddWithValue("limit", limit);
        var members = new List<DatasetMember>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            members.Add(new DatasetMember(reader.GetString(0), reader.GetString(1)));
        return members;
    }

    /// <summary>The recorded snapshot with this root, or null.</summary>
    public async Task<DatasetSnapshotted?> LoadAsync(string root, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT data::text FROM {Events} WHERE stream_id = @stream AND type = 'dataset_snapshotted' ORDER BY seq_id LIMIT 1");
        command.Parameters.AddWithValue("stream", StreamPrefix + root);
        return await command.ExecuteScalarAsync(ct) is string data
            ? JsonSerializer.Deserialize<DatasetSnapshotted>(data, OutboxRoutes.HistoryJson)
            : null;
    }

    /// <summary>The submissions of the given contributions (for licences and contributors), by id.</summary>
    public async Task<Dictionary<string, ContributionSubmitted>> SubmissionsAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT data::text FROM {Events} WHERE stream_id = ANY(@streams) AND type = 'contribution_submitted'");
        command.Parameters.AddWithValue("streams", ids.Select(id => ContributionAppender.StreamPrefix + id).ToArray());
        var found = new Dictionary<string, ContributionSubmitted>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var submitted = JsonSerializer.Deserialize<ContributionSubmitted>(reader.GetString(0), OutboxRoutes.HistoryJson)!;
            found[submitted.ContributionId] = submitted;
        }
        return found;
    }

    /// <summary>Which of the given contributions the history records as erased.</summary>
    public async Task<HashSet<string>> ErasedAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT data->>'contributionId' FROM {Events} WHERE stream_id = ANY(@streams) AND type = 'contribution_erased'");
        command.Parameters.AddWithValue("streams", ids.Select(id => ContributionAppender.StreamPrefix + id).ToArray());
        var erased = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            erased.Add(reader.GetString(0));
        return erased;
    }
}
