using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// What the model reads from and writes to the history: dataset snapshots (contributions' streams, public), and its
/// own <see cref="ModelTrained"/> facts, one stream per snapshot root under <see cref="StreamPrefix"/>.
/// </summary>
public sealed class ModelHistory(NpgsqlDataSource dataSource, IDocumentStore store)
{
    public const string StreamPrefix = "model/";

    /// <summary>Where contributions records a snapshot (its DatasetHistory.StreamPrefix).</summary>
    public const string SnapshotStreamPrefix = "contributions/datasets/";

    private static readonly string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";
    private static readonly string TrainedType = OutboxRoutes.EventTypeName(typeof(ModelTrained));

    /// <summary>The recorded snapshot with this root, or null.</summary>
    public Task<DatasetSnapshotted?> SnapshotAsync(string root, CancellationToken ct) =>
        FirstAsync<DatasetSnapshotted>(
            $"SELECT data::text FROM {Events} WHERE stream_id = @p AND type = '{OutboxRoutes.EventTypeName(typeof(DatasetSnapshotted))}' ORDER BY seq_id LIMIT 1",
            SnapshotStreamPrefix + root, ct);

    /// <summary>The model trained from this snapshot, or null.</summary>
    public Task<ModelTrained?> TrainedAsync(string root, CancellationToken ct) =>
        FirstAsync<ModelTrained>($"SELECT data::text FROM {Events} WHERE stream_id = @p AND type = '{TrainedType}' ORDER BY seq_id LIMIT 1",
            StreamPrefix + root, ct);

    /// <summary>The latest model trained: the one predictions are served from.</summary>
    public Task<ModelTrained?> LatestAsync(CancellationToken ct) =>
        FirstAsync<ModelTrained>(
            $"SELECT data::text FROM {Events} WHERE stream_id LIKE @p AND type = '{TrainedType}' ORDER BY seq_id DESC LIMIT 1", StreamPrefix + "%", ct);

    /// <summary>
    /// Records the fact and keeps the model's bytes in one transaction; false when this snapshot already has a model
    /// (a concurrent round recorded it first: the stream exists).
    /// </summary>
    public async Task<bool> RecordAsync(ModelTrained trained, byte[] model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trained);
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(StreamPrefix + trained.SnapshotRoot, trained);
            session.Store(new StoredModel(trained.ModelHash, model));
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return false;
        }
    }

    private async Task<T?> FirstAsync<T>(string sql, string parameter, CancellationToken ct) where T : class
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("p", parameter);
        return await command.ExecuteScalarAsync(ct) is string data ? JsonSerializer.Deserialize<T>(data, OutboxRoutes.HistoryJson) : null;
    }
}
