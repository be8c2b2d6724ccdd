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
    private static readonly string ValuedType = OutboxRoutes.EventTypeName(typeof(DataValued));
    private static readonly string SubmittedType = OutboxRoutes.EventTypeName(typeof(ContributionSubmitted));
    private static readonly string ContributionEvaluatedType = OutboxRoutes.EventTypeName(typeof(ModelContributionEvaluated));

    /// <summary>Where a <c>model</c> contribution's one evaluation is recorded.</summary>
    public const string ContributionStreamPrefix = StreamPrefix + "contributions/";

    /// <summary>Where contributions records a submission (its ContributionAppender.StreamPrefix + id).</summary>
    public const string SubmissionStreamPrefix = "contributions/";

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

    /// <summary>The model served: the champion, or before any private evaluation the latest model trained.</summary>
    public async Task<ServedModel?> ServedAsync(CancellationToken ct) =>
        await ChampionAsync(ct) ?? (await LatestAsync(ct) is { } latest ? new ServedModel(latest, null) : null);

    /// <summary>
    /// The champion: the model of the latest <see cref="ModelEvaluated"/> or <see cref="ModelContributionEvaluated"/>
    /// that became champion, or null when no model was evaluated on a private split yet.
    /// </summary>
    public async Task<ServedModel?> ChampionAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT type, stream_id, data::text FROM {Events} WHERE stream_id LIKE @p AND type IN ('{EvaluatedType}', '{ContributionEvaluatedType}') " +
            "AND (data ->> 'becameChampion') = 'true' ORDER BY seq_id DESC LIMIT 1");
        command.Parameters.AddWithValue("p", StreamPrefix + "%");
        string? type = null, stream = null, data = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct))
                (type, stream, data) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        if (type == ContributionEvaluatedType)
            return new ServedModel(null, JsonSerializer.Deserialize<ModelContributionEvaluated>(data!, OutboxRoutes.HistoryJson));
        if (stream is null)
            return null;
        var trained = await FirstAsync<ModelTrained>($"SELECT data::text FROM {Events} WHERE stream_id = @p AND type = '{TrainedType}' ORDER BY seq_id LIMIT 1", stream, ct);
        return trained is null ? null : new ServedModel(trained, null);
    }

    /// <summary>The model served: trained here (<see cref="Trained"/>) or contributed (<see cref="Contributed"/>), never both.</summary>
    public sealed record ServedModel(ModelTrained? Trained, ModelContributionEvaluated? Contributed)
    {
        public string ModelHash => Trained?.ModelHash ?? Contributed!.ModelHash;
    }

    /// <summary>A contribution's submission: its position in the history (global sequence) and its contributor.</summary>
    public sealed record Submission(long At, string Contributor);

    /// <summary>The submission of each contribution the history holds, by contribution id.</summary>
    public async Task<IReadOnlyDictionary<string, Submission>> SubmissionsAsync(IEnumerable<string> contributionIds, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT stream_id, seq_id, data ->> 'contributor' FROM {Events} WHERE stream_id = ANY(@p) AND type = '{SubmittedType}'");
        command.Parameters.AddWithValue("p", contributionIds.Select(id => SubmissionStreamPrefix + id.ToLowerInvariant()).Distinct().ToArray());
        var submissions = new Dictionary<string, Submission>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            submissions[reader.GetString(0)[SubmissionStreamPrefix.Length..]] = new Submission(reader.GetInt64(1), reader.GetString(2));
        return submissions;
    }

    /// <summary>The contributions among <paramref name="contributionIds"/> whose evaluation is recorded already.</summary>
    public async Task<IReadOnlySet<string>> ContributionsEvaluatedAsync(IEnumerable<string> contributionIds, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT DISTINCT stream_id FROM {Events} WHERE stream_id = ANY(@p)");
        command.Parameters.AddWithValue("p", contributionIds.Select(id => ContributionStreamPrefix + id.ToLowerInvariant()).Distinct().ToArray());
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            done.Add(reader.GetString(0)[ContributionStreamPrefix.Length..]);
        return done;
    }

    /// <summary>The recorded evaluations of model contributions, newest first.</summary>
    public async Task<IReadOnlyList<ModelContributionEvaluated>> ContributionEvaluationsAsync(int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT data::text FROM {Events} WHERE stream_id LIKE @p AND type = '{ContributionEvaluatedType}' ORDER BY seq_id DESC LIMIT @n");
        command.Parameters.AddWithValue("p", ContributionStreamPrefix + "%");
        command.Parameters.AddWithValue("n", limit);
        var evaluations = new List<ModelContributionEvaluated>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            evaluations.Add(JsonSerializer.Deserialize<ModelContributionEvaluated>(reader.GetString(0), OutboxRoutes.HistoryJson)!);
        return evaluations;
    }

    /// <summary>
    /// Records the round of <paramref name="period"/> and keeps the model's bytes, in one transaction and only while the
    /// period is still secret. If this snapshot already has a model, nothing is written: another round recorded it first,
    /// and its stream exists. The snapshot roots are hex, so no root can contain the separator and no two pairs share a
    /// stream.
    /// </summary>
    public async Task<Recorded> RecordAsync(long period, ModelTrained trained, ModelEvaluated evaluated, DataValued valued, byte[] model,
        IReadOnlyList<string> trainTextHashes, IReadOnlyList<(ModelContributionEvaluated Evaluated, byte[] Model)> contributions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(contributions);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            // Serial with reveals: a round that outlived Model:StoppedRoundAfter may have had its split revealed by
            // another, and a model measured on a public split is not recorded.
            await RoundLock.TakeAsync(session.Connection!, ct);
            if (await session.LoadAsync<StoredEvaluationSalt>(EvaluationPeriods.Id(period), ct) is not { Revealed: false })
                return Recorded.PeriodClosed;
            // Contributed models were measured against the champion going into the round, so they come first in the history.
            foreach (var (contribution, bytes) in contributions)
            {
                session.Events.StartStream(ContributionStreamPrefix + contribution.ContributionId.ToLowerInvariant(), contribution);
                // Only a champion's bytes are kept: to serve it, and to measure the next challengers against it.
                if (contribution.BecameChampion)
                    session.Store(new StoredModel(contribution.ModelHash, bytes));
            }
            session.Events.StartStream(StreamKey(trained.SnapshotRoot, trained.FeedbackSnapshotRoot), trained, evaluated, valued);
            session.Store(new StoredModel(trained.ModelHash, model));
            session.Store(new StoredTrainingSet(trained.ModelHash, trainTextHashes));
            await session.SaveChangesAsync(ct);
            return Recorded.Now;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return Recorded.AlreadyTrained;
        }
    }

    /// <summary>What <see cref="RecordAsync"/> did: recorded the round, found its model trained already, or refused it because its period was revealed.</summary>
    public enum Recorded { Now, AlreadyTrained, PeriodClosed }

    /// <summary>
    /// A training round as the history records it: the model trained, how it measured against the champion, and what its
    /// new data and feedback were worth (rounds recorded before 1.17 have no <see cref="DataValued"/>).
    /// </summary>
    public sealed record Round(ModelTrained Trained, ModelEvaluated? Evaluated, DataValued? Valued);

    /// <summary>The newest <paramref name="limit"/> rounds, newest first (rounds recorded before private evaluation have none).</summary>
    public async Task<IReadOnlyList<Round>> RoundsAsync(int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT t.data::text, e.data::text, v.data::text FROM {Events} t LEFT JOIN {Events} e ON e.stream_id = t.stream_id AND e.type = '{EvaluatedType}' " +
            $"LEFT JOIN {Events} v ON v.stream_id = t.stream_id AND v.type = '{ValuedType}' " +
            $"WHERE t.stream_id LIKE @p AND t.type = '{TrainedType}' ORDER BY t.seq_id DESC LIMIT @n");
        command.Parameters.AddWithValue("p", StreamPrefix + "%");
        command.Parameters.AddWithValue("n", limit);
        var rounds = new List<Round>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rounds.Add(new Round(JsonSerializer.Deserialize<ModelTrained>(reader.GetString(0), OutboxRoutes.HistoryJson)!,
                reader.IsDBNull(1) ? null : JsonSerializer.Deserialize<ModelEvaluated>(reader.GetString(1), OutboxRoutes.HistoryJson),
                reader.IsDBNull(2) ? null : JsonSerializer.Deserialize<DataValued>(reader.GetString(2), OutboxRoutes.HistoryJson)));
        return rounds;
    }

    private async Task<T?> FirstAsync<T>(string sql, string parameter, CancellationToken ct) where T : class
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("p", parameter);
        return await command.ExecuteScalarAsync(ct) is string data ? JsonSerializer.Deserialize<T>(data, OutboxRoutes.HistoryJson) : null;
    }
}
