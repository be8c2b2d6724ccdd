using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Reverses the reward of every contribution a passed <c>contribution-invalidation</c> proposal invalidates, by following
/// governance's streams in the history through the gap-safe <see cref="HistoryFeed"/>, on one replica at a time. Only the
/// stored <see cref="PolicyActivated"/> counts (a bus notice reaches nothing here). The checkpoint moves only after a
/// batch's reversals committed, and <see cref="RewardReverser"/> refuses a second reversal, so a crash, a second leader or
/// a restart re-reads a batch and changes nothing twice. With the checkpoint it stores the batch's
/// <see cref="InvalidatedContribution"/> documents, which crediters read instead of searching the history.
/// </summary>
/// <remarks>
/// An activation is acted on once <see cref="ScoreFollower"/> has credited every score stored before it, so the usual case,
/// a contribution credited before its invalidation, is reversed here. Correctness does not hang on that wait: a score
/// credited after its invalidation took effect carries its reversal in its own transaction (<see cref="CreditWriter"/>),
/// and <see cref="RewardReverser.ReverseAsync"/> decides under the lock that crediter holds, so whichever comes first, an
/// invalidated contribution is not left paid. A contributed model's gain credit is reversed the same way
/// (<see cref="RewardReverser.ReverseGainAsync"/>, <see cref="GainCrediter"/>), and so is a data-value credit
/// (<see cref="RewardReverser.ReverseDataValueAsync"/>, <see cref="DataValueCrediter"/>).
/// </remarks>
public sealed class InvalidationFollower(NpgsqlDataSource dataSource, IDocumentStore store, RewardReverser reverser)
    : HistoryFollower(dataSource, RewardPolicyBook.GovernanceStreamPrefix)
{
    protected override int BatchSize => 200;
    private static readonly string ActivatedType = OutboxRoutes.EventTypeName(typeof(PolicyActivated));

    /// <summary>
    /// This follower's <see cref="FollowerCheckpoint"/>: every activation at or below it is acted on, each invalidation among
    /// them also stored as an <see cref="InvalidatedContribution"/> in the same transaction.
    /// </summary>
    /// <remarks>
    /// A new key since the follower stores InvalidatedContribution documents: a ledger that followed under the old one
    /// ("invalidations") holds no documents for the activations it passed, so it reads governance's streams again from the
    /// first event (reversals are refused twice; crediters read the history past this checkpoint meanwhile).
    /// </remarks>
    public const string CheckpointKey = "invalidations-documented";

    public override LeaderLoopSettings Settings { get; } = new("reward-ledger:invalidations");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_invalidationfeedcheckpoint", ct);

    protected override bool Wants(StoredEvent e) => Is(e, ActivatedType, under: RewardPolicyBook.GovernanceStreamPrefix);

    // Crediters read the history past this checkpoint (InvalidationHistory), so it is kept within about a second of the
    // head: stored after every read, it was a commit five times a second under load for an event that comes a few times
    // a year.
    protected override TimeSpan? StoreAtLeastEvery => TimeSpan.FromSeconds(1);

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var invalidations = Invalidations(events);
        // Read the same batch again once the credits caught up.
        if (invalidations.Count > 0 && invalidations[^1].Sequence > await ScoreFollower.CreditedUpToAsync(store, ct))
            return false;
        foreach (var invalidation in invalidations)
        {
            // In the activation's trace, so the reversals' sends continue it.
            using var work = HistoryTraceContext.StartContinuing(invalidation.TraceParent, "reverse an invalidation's credits");
            await reverser.ReverseAsync(invalidation.Invalidation, ct);
            // A gain credit needs no wait: one read later than this activation carries its reversal (GainCrediter).
            await reverser.ReverseGainAsync(invalidation.Invalidation, ct);
            // Nor does a data-value credit (DataValueCrediter).
            await reverser.ReverseDataValueAsync(invalidation.Invalidation, ct);
        }
        await SaveCheckpointAsync(invalidations, checkpoint, ct);
        return true;
    }

    /// <summary>The batch's invalidations, read from governance's streams only, in history order.</summary>
    private static List<(long Sequence, DateTimeOffset ActivatedAt, string? TraceParent, Invalidation Invalidation)> Invalidations(IReadOnlyList<StoredEvent> events) =>
        [.. events.Where(e => Is(e, ActivatedType, under: RewardPolicyBook.GovernanceStreamPrefix))
            // An activation that does not read as one is a damaged history: failing the term is louder than skipping it.
            .Select(e => (e.Sequence, e.TraceParent, Activation: JsonSerializer.Deserialize<PolicyActivated>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data")))
            .Select(e => (e.Sequence, e.Activation.ActivatedAt, e.TraceParent, Invalidation: Invalidation.From(e.Activation)))
            .Where(e => e.Invalidation is not null)
            .Select(e => (e.Sequence, e.ActivatedAt, e.TraceParent, e.Invalidation!))];

    /// <summary>
    /// Moves the checkpoint and stores the batch's invalidated contributions in one transaction, so the documents are
    /// exactly the activations up to the checkpoint: a crediter reads them by key and the history only past the checkpoint
    /// (<see cref="InvalidationHistory"/>). A contribution keeps its first activation, as the history's order has it; one
    /// read again (a checkpoint reset, a second leader) stores the same document.
    /// </summary>
    private async Task SaveCheckpointAsync(List<(long Sequence, DateTimeOffset ActivatedAt, string? TraceParent, Invalidation Invalidation)> invalidations,
        long sequence, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (invalidations.Count > 0)
        {
            var stored = (await session.LoadManyAsync<InvalidatedContribution>(ct, invalidations.Select(i => i.Invalidation.ContributionId).Distinct()))
                .ToDictionary(d => d.Id, StringComparer.Ordinal);
            foreach (var (at, activatedAt, _, invalidation) in invalidations)
            {
                if (stored.TryGetValue(invalidation.ContributionId, out var first) && first.Sequence <= at)
                    continue;
                stored[invalidation.ContributionId] = new InvalidatedContribution(invalidation.ContributionId, invalidation.ProposalId,
                    invalidation.Reason, at, activatedAt);
                session.Store(stored[invalidation.ContributionId]);
            }
        }
        session.Store(new FollowerCheckpoint(CheckpointKey, sequence));
        await session.SaveChangesAsync(ct);
    }
}
