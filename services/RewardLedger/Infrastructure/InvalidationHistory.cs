using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The activated <c>contribution-invalidation</c> proposals as the history records them (governance's stored
/// <see cref="PolicyActivated"/>), for a credit that may be recorded after its contribution was invalidated: a gain credit
/// then carries its reversal in its own transaction (<see cref="GainCrediter"/>).
/// </summary>
internal static class InvalidationHistory
{
    private static readonly string ActivatedType = OutboxRoutes.EventTypeName(typeof(PolicyActivated));

    // Invalidations are rare; the payload is a string of canonical JSON, so the database only narrows the candidates by text
    // and Invalidation.From decides, as the follower does.
    private static readonly string CandidatesSql = $"""
        SELECT data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE type = @type AND starts_with(stream_id, @streams) AND data->>'kind' = @kind
          AND strpos(lower(data->>'payload'), @id) > 0
        ORDER BY seq_id
        """;

    /// <summary>The earliest activated invalidation of <paramref name="contributionId"/> (lower-case 0x-hex), or null when none is.</summary>
    /// <remarks>Read it under the contributor's lock: the reverser, which decides from the other side, holds the same lock.</remarks>
    public static async Task<Invalidation?> FirstAsync(NpgsqlConnection connection, string contributionId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(CandidatesSql, connection);
        command.Parameters.AddWithValue("type", ActivatedType);
        command.Parameters.AddWithValue("streams", RewardPolicyBook.GovernanceStreamPrefix);
        command.Parameters.AddWithValue("kind", Invalidation.Kind);
        command.Parameters.AddWithValue("id", contributionId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var activation = JsonSerializer.Deserialize<PolicyActivated>(reader.GetString(0), OutboxRoutes.HistoryJson);
            if (activation is not null && Invalidation.From(activation) is { } invalidation && invalidation.ContributionId == contributionId)
                return invalidation;
        }
        return null;
    }
}
