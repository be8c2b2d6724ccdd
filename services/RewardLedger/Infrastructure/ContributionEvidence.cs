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

    // By stream id, which the store indexes; only the contributions service writes there.
    private static readonly string SeenSql = $"""
        SELECT data->>'contentSize' IS NOT NULL FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = @stream AND type = @type
        LIMIT 1
        """;

    public async Task<RewardEvidence> ForAsync(ContributionScored scored, CancellationToken ct)
    {
        if (scored.Fallback is null)
            return RewardEvidence.Consensus;
        await using var command = dataSource.CreateCommand(SeenSql);
        command.Parameters.AddWithValue("stream", ContributionStreamPrefix + scored.ContributionId.ToLowerInvariant());
        command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(ContributionSubmitted)));
        return await command.ExecuteScalarAsync(ct) is true ? RewardEvidence.Automated : RewardEvidence.Unseen;
    }
}
