using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The activated <c>contribution-invalidation</c> proposals as the history records them (governance's stored
/// <see cref="PolicyActivated"/>), for a credit that may be recorded after its contribution was invalidated: the credit then
/// carries its reversal in its own transaction (a quality credit in <see cref="CreditWriter"/>, a gain credit in
/// <see cref="GainCrediter"/>), and for an appeal settled after it, which then pays the contributor nothing
/// (<see cref="AppealSettler"/>).
/// </summary>
internal static class InvalidationHistory
{
    private static readonly string ActivatedType = OutboxRoutes.EventTypeName(typeof(PolicyActivated));

    // Invalidations are rare; the payload is a string of canonical JSON, so the database only narrows the candidates by text
    // and Invalidation.From decides, as the follower does.
    private static readonly string CandidatesSql = $"""
        SELECT data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE type = @type AND starts_with(stream_id, @streams) AND data->>'kind' = @kind
          AND EXISTS (SELECT 1 FROM unnest(@ids) AS wanted(id) WHERE strpos(lower(data->>'payload'), wanted.id) > 0)
        ORDER BY seq_id
        """;

    /// <summary>The earliest activated invalidation of <paramref name="contributionId"/> (lower-case 0x-hex), or null when none is.</summary>
    /// <remarks>Read it under the contributor's lock: the reverser, which decides from the other side, holds the same lock.</remarks>
    public static async Task<Invalidation?> FirstAsync(NpgsqlConnection connection, string contributionId, CancellationToken ct) =>
        (await FirstOfEachAsync(connection, [contributionId], ct)).GetValueOrDefault(contributionId);

    /// <summary>
    /// The earliest activated invalidation of each of <paramref name="contributionIds"/> (lower-case 0x-hex) that has one, in
    /// one round trip, whatever their number (a batch of scores).
    /// </summary>
    /// <remarks>Read it under the contributors' locks: the reverser, which decides from the other side, holds the same lock.</remarks>
    public static async Task<IReadOnlyDictionary<string, Invalidation>> FirstOfEachAsync(
        NpgsqlConnection connection, IReadOnlyCollection<string> contributionIds, CancellationToken ct)
    {
        var first = new Dictionary<string, Invalidation>(StringComparer.Ordinal);
        if (contributionIds.Count == 0)
            return first;
        var wanted = contributionIds.ToHashSet(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(CandidatesSql, connection);
        command.Parameters.AddWithValue("type", ActivatedType);
        command.Parameters.AddWithValue("streams", RewardPolicyBook.GovernanceStreamPrefix);
        command.Parameters.AddWithValue("kind", Invalidation.Kind);
        command.Parameters.AddWithValue("ids", wanted.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var activation = JsonSerializer.Deserialize<PolicyActivated>(reader.GetString(0), OutboxRoutes.HistoryJson);
            if (activation is not null && Invalidation.From(activation) is { } invalidation && wanted.Contains(invalidation.ContributionId))
                first.TryAdd(invalidation.ContributionId, invalidation); // history order: the first one stays
        }
        return first;
    }
}
