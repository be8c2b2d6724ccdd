using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// Models trained on snapshots, in the history: a checked registration is recorded in one transaction that also spends
/// its nonce, so a replayed request (the same one or another with that nonce) records nothing; the list of a snapshot's
/// models is read back from this service's own streams.
/// </summary>
public sealed class ModelRegistry(IDocumentStore store, NpgsqlDataSource dataSource)
{
    /// <summary>Stream of a registration, named by its id (the signed digest): under this service's prefix.</summary>
    public const string StreamPrefix = ContributionAppender.StreamPrefix + "models/";

    /// <summary>The longest model name accepted.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest weights URI accepted.</summary>
    public const int MaxWeightsUriLength = 2048;

    /// <summary>The largest request body: the fields at their longest, in UTF-8, with room for the rest.</summary>
    public const long MaxBodyBytes = (MaxNameLength + MaxWeightsUriLength) * 6L + 4096;

    private static readonly string ListSql = $"""
        SELECT data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE type = @type AND starts_with(stream_id, @prefix) AND stream_id = @prefix || (data->>'modelId') AND data->>'snapshotRoot' = @root
        ORDER BY seq_id
        """;

    public static string NonceKey(string builder, string nonce) => "model-registration:" + NonceUse.KeyFor(builder, nonce);

    /// <summary>Records <paramref name="model"/>; false, recording nothing, when the builder's nonce is already spent.</summary>
    public async Task<bool> RecordAsync(ModelRegistered model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(new NonceUse(NonceKey(model.Builder, model.Nonce), model.ModelId));
            session.Events.StartStream(StreamPrefix + model.ModelId, model);
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return false; // the nonce (or, for the very same request, the stream too) is taken
        }
    }

    /// <summary>The models registered on the snapshot <paramref name="root"/> (lower-case), in history order.</summary>
    public async Task<IReadOnlyList<ModelRegistered>> ListAsync(string root, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(ModelRegistered)));
        command.Parameters.AddWithValue("prefix", StreamPrefix);
        command.Parameters.AddWithValue("root", root);
        var models = new List<ModelRegistered>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            models.Add(JsonSerializer.Deserialize<ModelRegistered>(reader.GetString(0), OutboxRoutes.HistoryJson)!);
        return models;
    }
}
