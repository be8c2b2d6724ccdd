using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Marten.Services.BatchQuerying;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The activated <c>contribution-invalidation</c> proposals as the history records them (governance's stored
/// <see cref="PolicyActivated"/>), for a credit that may be recorded after its contribution was invalidated: the credit
/// then carries its reversal in its own transaction (a quality credit in <see cref="CreditWriter"/>, a gain credit in
/// <see cref="GainCrediter"/>), and for an appeal settled after it, which then pays the contributor nothing
/// (<see cref="AppealSettler"/>).
/// </summary>
/// <remarks>
/// Two parts, which together are every activation committed when the second is read: the activations up to
/// <see cref="InvalidationFollower"/>'s checkpoint, which it stores as <see cref="InvalidatedContribution"/> documents
/// in the transaction that moves the checkpoint (loaded by key), and the history's activations after that checkpoint (a
/// <c>seq_id</c> range, on the events table's primary key: the follower stores its checkpoint at least once a second).
/// The checkpoint is read before the documents, so every document it covers is there; a checkpoint moved on since only
/// means the range also holds activations the documents hold. Searching the whole events table instead took 1.4 s a
/// batch at 1M events.
/// </remarks>
internal static class InvalidationHistory
{
    private static readonly string ActivatedType = OutboxRoutes.EventTypeName(typeof(PolicyActivated));

    // Invalidations are rare; the payload is a string of canonical JSON, so the database only narrows the candidates by text
    // and Invalidation.From decides, as the follower does. The checkpoint is a parameter, not a subquery, so the planner
    // knows how short the range is and walks the primary key.
    private static readonly string CandidatesSql = $"""
        SELECT seq_id, data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE seq_id > @after AND type = @type AND starts_with(stream_id, @streams) AND data->>'kind' = @kind
          AND EXISTS (SELECT 1 FROM unnest(@ids) AS wanted(id) WHERE strpos(lower(data->>'payload'), wanted.id) > 0)
        ORDER BY seq_id
        """;

    /// <summary>The documented part, queued in a batch the caller already sends (no round trip of its own).</summary>
    public sealed record Pending(Task<FollowerCheckpoint?> Checkpoint, Task<IReadOnlyList<InvalidatedContribution>> Documents);

    /// <summary>
    /// Queues the follower's checkpoint and then the documents of <paramref name="contributionIds"/> (lower-case 0x-hex) in
    /// <paramref name="reads"/>; the order matters: the documents are read after the checkpoint, never before.
    /// </summary>
    public static Pending Queue(IBatchedQuery reads, IEnumerable<string> contributionIds)
    {
        var checkpoint = reads.Load<FollowerCheckpoint>(InvalidationFollower.CheckpointKey);
        var documents = reads.LoadMany<InvalidatedContribution>().ById(contributionIds.Distinct(StringComparer.Ordinal).ToArray());
        return new Pending(checkpoint, documents);
    }

    /// <summary>The earliest activated invalidation of <paramref name="contributionId"/> (lower-case 0x-hex), or null when none is.</summary>
    /// <remarks>Read it under the contributor's lock: the reverser, which decides from the other side, holds the same lock.</remarks>
    public static async Task<Invalidation?> FirstAsync(IDocumentSession session, string contributionId, CancellationToken ct)
    {
        var reads = session.CreateBatchQuery();
        var pending = Queue(reads, [contributionId]);
        await reads.Execute(ct);
        return (await FirstOfEachAsync(session.Connection!, pending, [contributionId], ct)).GetValueOrDefault(contributionId);
    }

    /// <summary>
    /// The earliest activated invalidation of each of <paramref name="contributionIds"/> (lower-case 0x-hex) that has one,
    /// from the documents <paramref name="pending"/> read (queued for them or more) and one bounded read of the history past
    /// the checkpoint, whatever their number (a batch of scores).
    /// </summary>
    /// <remarks>Read it under the contributors' locks: the reverser, which decides from the other side, holds the same lock.</remarks>
    public static async Task<IReadOnlyDictionary<string, Invalidation>> FirstOfEachAsync(
        NpgsqlConnection connection, Pending pending, IReadOnlyCollection<string> contributionIds, CancellationToken ct)
    {
        var first = new Dictionary<string, Invalidation>(StringComparer.Ordinal);
        if (contributionIds.Count == 0)
            return first;
        var wanted = contributionIds.ToHashSet(StringComparer.Ordinal);
        var after = (await pending.Checkpoint)?.Sequence ?? 0;
        var found = (await pending.Documents).Where(d => wanted.Contains(d.Id)).Select(d => (d.Sequence, Invalidation: d.ToInvalidation())).ToList();

        await using var command = new NpgsqlCommand(CandidatesSql, connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("type", ActivatedType);
        command.Parameters.AddWithValue("streams", RewardPolicyBook.GovernanceStreamPrefix);
        command.Parameters.AddWithValue("kind", Invalidation.Kind);
        command.Parameters.AddWithValue("ids", wanted.ToArray());
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var activation = JsonSerializer.Deserialize<PolicyActivated>(reader.GetString(1), OutboxRoutes.HistoryJson);
                if (activation is not null && Invalidation.From(activation) is { } invalidation && wanted.Contains(invalidation.ContributionId))
                    found.Add((reader.GetInt64(0), invalidation));
            }
        }
        // History order: the first one stays (after a checkpoint reset the two parts overlap).
        foreach (var (_, invalidation) in found.OrderBy(f => f.Sequence))
            first.TryAdd(invalidation.ContributionId, invalidation);
        return first;
    }
}
