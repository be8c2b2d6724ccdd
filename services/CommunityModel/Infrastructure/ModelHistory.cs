using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// What the model reads from and writes to the history: dataset snapshots (contributions' streams, public), and its
/// own <see cref="ModelTrained"/> facts, one stream per pair of data and feedback snapshot roots under <see cref="StreamPrefix"/>.
/// </summary>
public sealed class ModelHistory(NpgsqlDataSource dataSource, IDocumentStore store)
{
    public const string StreamPrefix = "model/";

    /// <summary>Where contributions records a snapshot (its DatasetHistory.StreamPrefix).</summary>
    public const string SnapshotStreamPrefix = "contributions/datasets/";

    private static readonly string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";
    private static readonly string TrainedType = OutboxRoutes.EventTypeName(typeof(ModelTrained));
    private static readonly string EvaluatedType = OutboxRoutes.EventTypeName(typeof(ModelEvaluated));

    /// <summary>The recorded snapshot with this root, or null.</summary>
    public Task<DatasetSnapshotted?> SnapshotAsync(string root, CancellationToken ct) =>
        FirstAsync<DatasetSnapshotted>(
            $"SELECT data::text FROM {Events} WHERE stream_id = @p AND type = '{OutboxRoutes.EventTypeName(typeof(DatasetSnapshotted))}' ORDER BY seq_id LIMIT 1",
            SnapshotStreamPrefix + root, ct);

    /// <summary>The stream of the model trained from these snapshots.</summary>
    public static string StreamKey(string dataRoot, string? feedbackRoot) =>
        StreamPrefix + dataRoot + (feedbackRoot is null ? "" : "/" + feedbackRoot);

    /// <summary>The model trained from these snapshots, or null.</summary>
    public Task<ModelTrained?> TrainedAsync(string dataRoot, string? feedbackRoot, CancellationToken ct) =>
        FirstAsync<ModelTrained>($"SELECT data::text FROM {Events} WHERE stream_id = @p AND type = '{TrainedType}' ORDER BY seq_id LIMIT 1",
            StreamKey(dataRoot, feedbackRoot), ct);

    /// <summary>The latest model trained from this data snapshot (with or without feedback), or null.</summary>
    public Task<ModelTrained?> LatestFromAsync(string dataRoot, CancellationToken ct) =>
        FirstAsync<ModelTrained>(
            $"SELECT data::text FROM {Events} WHERE (stream_id = @p OR stream_id LIKE @p || '/%') AND type = '{TrainedType}' ORDER BY seq_id DESC LIMIT 1",
            StreamPrefix + dataRoot, ct);

    /// <summary>The latest model trained: the one predictions are served from.</summary>
    public Task<ModelTrained?> LatestAsync(CancellationToken ct) =>
        FirstAsync<ModelTrained>(
            $"SELECT data::text FROM {Events} WHERE stream_id LIKE @p AND type = '{TrainedType}' ORDER BY seq_id DESC LIMIT 1", StreamPrefix + "%", ct);

    /// <summary>
    /// The champion: the model of the latest <see cref="ModelEvaluated"/> that became champion, or null when no model was
    /// evaluated on a private split yet.
    /// </summary>
    public Task<ModelTrained?> ChampionAsync(CancellationToken ct) =>
        FirstAsync<ModelTrained>(
            $"SELECT t.data::text FROM {Events} e JOIN {Events} t ON t.stream_id = e.stream_id AND t.type = '{TrainedType}' " +
            $"WHERE e.type = '{EvaluatedType}' AND e.stream_id LIKE @p AND (e.data ->> 'becameChampion') = 'true' ORDER BY e.seq_id DESC LIMIT 1",
            StreamPrefix + "%", ct);

    /// <summary>The model served: the champion, or before any private evaluation the latest model trained.</summary>
    public async Task<ModelTrained?> ServedAsync(CancellationToken ct) => await ChampionAsync(ct) ?? await LatestAsync(ct);

    /// <summary>
    /// Records the fact and keeps the model's bytes in one transaction; false when this snapshot already has a model
    /// (a concurrent round recorded it first: the stream exists).
    /// The snapshot roots are hex, so no root can contain the separator and no two pairs share a stream.
    /// </summary>
    public async Task<bool> RecordAsync(ModelTrained trained, ModelEvaluated evaluated, byte[] model, IReadOnlyList<string> trainTextHashes,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trained);
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(StreamKey(trained.SnapshotRoot, trained.FeedbackSnapshotRoot), trained, evaluated);
            session.Store(new StoredModel(trained.ModelHash, model));
            session.Store(new StoredTrainingSet(trained.ModelHash, trainTextHashes));
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return false;
        }
    }

    /// <summary>A training round as the history records it: the model trained, and how it measured against the champion.</summary>
    public sealed record Round(ModelTrained Trained, ModelEvaluated? Evaluated);

    /// <summary>The newest <paramref name="limit"/> rounds, newest first (rounds recorded before private evaluation have none).</summary>
    public async Task<IReadOnlyList<Round>> RoundsAsync(int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT t.data::text, e.data::text FROM {Events} t LEFT JOIN {Events} e ON e.stream_id = t.stream_id AND e.type = '{EvaluatedType}' " +
            $"WHERE t.stream_id LIKE @p AND t.type = '{TrainedType}' ORDER BY t.seq_id DESC LIMIT @n");
        command.Parameters.AddWithValue("p", StreamPrefix + "%");
        command.Parameters.AddWithValue("n", limit);
        var rounds = new List<Round>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rounds.Add(new Round(JsonSerializer.Deserialize<ModelTrained>(reader.GetString(0), OutboxRoutes.HistoryJson)!,
                reader.IsDBNull(1) ? null : JsonSerializer.Deserialize<ModelEvaluated>(reader.GetString(1), OutboxRoutes.HistoryJson)));
        return rounds;
    }

    private async Task<T?> FirstAsync<T>(string sql, string parameter, CancellationToken ct) where T : class
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("p", parameter);
        return await command.ExecuteScalarAsync(ct) is string data ? JsonSerializer.Deserialize<T>(data, OutboxRoutes.HistoryJson) : null;
    }
}
