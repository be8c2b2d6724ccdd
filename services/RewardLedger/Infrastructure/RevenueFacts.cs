using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// What a revenue split is computed from, read from the history and only from the streams of the service that owns
/// each fact (the database lets no other service write there): payments from the chain-bridge's
/// <c>chain/revenue/{paymentId}</c>, snapshots from the contributions service's <c>contributions/datasets/{root}</c>, and
/// each member's newest score from quality-scoring's <c>scoring/{contributionId}</c> recorded before its snapshot (with the
/// reviews that decided it, which weigh its validators), so the split depends on the history alone and not on when it runs.
/// </summary>
public sealed class RevenueFacts(NpgsqlDataSource dataSource)
{
    public const string PaymentStreamPrefix = "chain/revenue/";
    public const string SnapshotStreamPrefix = "contributions/datasets/";
    public const string ScoringStreamPrefix = "scoring/";

    private const string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";

    // A payment counts only in the stream named after its own id; it is pending while the ledger's split stream for it
    // does not exist. Reading every pending payment each time (no cursor) means a late commit is never skipped; the type
    // is a literal so that even a prepared statement's generic plan reads the set-up's index on payments
    // (HistoryIndexes.PaymentsInOrder) instead of the whole history.
    internal static readonly string PendingSql = $"""
        SELECT p.data::text FROM {Events} p
        WHERE p.type = '{OutboxRoutes.EventTypeName(typeof(DatasetPaid))}'
          AND starts_with(p.stream_id, @payments) AND p.stream_id = @payments || (p.data->>'paymentId')
          AND NOT EXISTS (SELECT 1 FROM {Events} s WHERE s.stream_id = @splits || (p.data->>'paymentId'))
        ORDER BY p.seq_id
        LIMIT @max
        """;

    private static readonly string SnapshotSql = $"""
        SELECT seq_id, data::text FROM {Events} WHERE stream_id = @stream AND type = @type ORDER BY seq_id LIMIT 1
        """;

    private static readonly string ScoresSql = $"""
        SELECT DISTINCT ON (stream_id) data->>'contributor', (data->>'score')::int, data->>'fallback', (data->'reviews')::text
        FROM {Events}
        WHERE stream_id = ANY(@streams) AND type = @type AND seq_id < @before
        ORDER BY stream_id, seq_id DESC
        """;

    /// <summary>Payments the ledger has not split yet, oldest first.</summary>
    public async Task<IReadOnlyList<DatasetPaid>> PendingPaymentsAsync(int max, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(PendingSql);
        command.Parameters.AddWithValue("payments", PaymentStreamPrefix);
        command.Parameters.AddWithValue("splits", RevenueSplitter.StreamFor(""));
        command.Parameters.AddWithValue("max", max);
        var payments = new List<DatasetPaid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            payments.Add(JsonSerializer.Deserialize<DatasetPaid>(reader.GetString(0), OutboxRoutes.HistoryJson)!);
        return payments;
    }

    /// <summary>
    /// Per contributor address (EIP-55), the sum of the scores their members had when the snapshot
    /// <paramref name="root"/> was taken, and per validator the sum of its review weights in those scores
    /// (<see cref="ValidatorPay.WeightOf"/>, as validator pay weighs them; a fallback score has no reviewers); null when the
    /// history holds no such snapshot. Members never scored weigh nothing.
    /// </summary>
    public async Task<SnapshotWeights?> WeightsAsync(string root, CancellationToken ct)
    {
        long snapshotSequence;
        DatasetSnapshotted snapshot;
        await using (var command = dataSource.CreateCommand(SnapshotSql))
        {
            command.Parameters.AddWithValue("stream", SnapshotStreamPrefix + root.ToLowerInvariant());
            command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(DatasetSnapshotted)));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return null;
            snapshotSequence = reader.GetInt64(0);
            snapshot = JsonSerializer.Deserialize<DatasetSnapshotted>(reader.GetString(1), OutboxRoutes.HistoryJson)!;
        }

        var weights = new Dictionary<string, long>(StringComparer.Ordinal);
        var validators = new Dictionary<string, long>(StringComparer.Ordinal);
        // A contribution listed twice is one member: it weighs once.
        var streams = snapshot.Members.Select(m => ScoringStreamPrefix + m.ContributionId.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        if (streams.Length == 0)
            return new(weights, validators);
        await using var scores = dataSource.CreateCommand(ScoresSql);
        scores.Parameters.AddWithValue("streams", streams);
        scores.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(ContributionScored)));
        scores.Parameters.AddWithValue("before", snapshotSequence);
        await using var rows = await scores.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct))
        {
            if (rows.IsDBNull(0) || rows.IsDBNull(1) || !Address.TryParse(rows.GetString(0), out var contributor))
                continue; // quality-scoring never records such a score; it would weigh nothing anyway
            var score = rows.GetInt32(1);
            if (score > 0)
                weights[contributor] = weights.GetValueOrDefault(contributor) + score;
            if (!rows.IsDBNull(2) || rows.IsDBNull(3))
                continue; // a fallback score: nobody's review decided it
            // A malformed review in quality-scoring's own stream is a damaged history: it throws, splitting nothing.
            foreach (var review in JsonSerializer.Deserialize<List<ScoredReview>>(rows.GetString(3), OutboxRoutes.HistoryJson) ?? [])
            {
                var weight = ValidatorPay.WeightOf(review);
                if (weight > 0)
                {
                    var validator = Address.Parse(review.Validator);
                    validators[validator] = checked(validators.GetValueOrDefault(validator) + weight);
                }
            }
        }
        return new(weights, validators);
    }
}

/// <summary>What a snapshot's payment is divided by: contributors' score sums and validators' review weights, per address.</summary>
public sealed record SnapshotWeights(IReadOnlyDictionary<string, long> Contributors, IReadOnlyDictionary<string, long> Validators);
