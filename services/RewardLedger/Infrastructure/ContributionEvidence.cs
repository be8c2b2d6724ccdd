using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// What backs a score, from the history: validators' consensus, or a fallback over content the system saw (the stored
/// <see cref="ContributionSubmitted"/> has a <see cref="ContributionSubmitted.ContentSize"/>), or a fallback over a pointer
/// only. A fallback whose submission is not in the contributions' streams counts as unseen: no evidence, no pay.
/// </summary>
public sealed class ContributionEvidence(NpgsqlDataSource dataSource)
{
    public const string ContributionStreamPrefix = "contributions/";

    // By stream id, which the store indexes; only the contributions service writes there. A batch's fallbacks in one query.
    private static readonly string SeenSql = $"""
        SELECT stream_id FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = ANY(@streams) AND type = @type
        GROUP BY stream_id HAVING bool_or(data->>'contentSize' IS NOT NULL)
        """;

    public async Task<RewardEvidence> ForAsync(ContributionScored scored, CancellationToken ct) =>
        (await ForAsync([scored], ct))[scored.ContributionId.ToLowerInvariant()];

    /// <summary>The evidence of each score, by contribution id (lowercase), read in at most one round trip.</summary>
    public async Task<IReadOnlyDictionary<string, RewardEvidence>> ForAsync(IReadOnlyList<ContributionScored> scores, CancellationToken ct)
    {
        var evidence = new Dictionary<string, RewardEvidence>(StringComparer.Ordinal);
        // The first score of a contribution is the one credited; a later one in the batch is skipped.
        foreach (var scored in scores)
            evidence.TryAdd(scored.ContributionId.ToLowerInvariant(), scored.Fallback is null ? RewardEvidence.Consensus : RewardEvidence.Unseen);
        var fallbacks = evidence.Where(e => e.Value == RewardEvidence.Unseen).Select(e => ContributionStreamPrefix + e.Key).ToArray();
        if (fallbacks.Length == 0)
            return evidence;
        await using var command = dataSource.CreateCommand(SeenSql);
        command.Parameters.AddWithValue("streams", fallbacks);
        command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(ContributionSubmitted)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            evidence[reader.GetString(0)[ContributionStreamPrefix.Length..]] = RewardEvidence.Automated;
        return evidence;
    }
}
