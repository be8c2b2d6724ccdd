using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Follows the whole history through the gap-safe <see cref="HistoryFeed"/> and applies the events the contribution
/// views need, from every service's streams, with <see cref="ContributionViewProjection"/>. Each batch's views and the
/// checkpoint commit in one transaction.
/// </summary>
/// <remarks>
/// Marten's async daemon is not used: it skips a sequence gap after a timeout, and a skipped late commit would leave a
/// view without its score for good. The projection keeps Marten's Create/Apply shape; this class is the loading and
/// storing around it.
/// <para>
/// The log index is computed, not read: the log gives every history event, in store order as this same feed hands
/// them out, the next dense index (public formats), so an event's index is the number of events before it. That needs
/// neither the chain-bridge's tables nor a message, and a rebuild gets the same numbers; the end-to-end invariants
/// compare them with the chain-bridge's log.
/// </para>
/// </remarks>
public sealed class ContributionViewProjector(IDocumentStore store, NpgsqlDataSource dataSource, int batchSize = 1000)
{
    private readonly HistoryFeed _feed = new(dataSource);

    // Each fact is taken only from the streams of the service that owns it; the same event type in another
    // service's stream is not that fact.
    private static readonly Dictionary<string, (string Owner, Type Type)> Facts = new(StringComparer.Ordinal)
    {
        [OutboxRoutes.EventTypeName(typeof(ContributionSubmitted))] = (ContributionAppender.StreamPrefix, typeof(ContributionSubmitted)),
        [OutboxRoutes.EventTypeName(typeof(ContributionScored))] = ("scoring/", typeof(ContributionScored)),
        [OutboxRoutes.EventTypeName(typeof(ContributionRewarded))] = ("ledger/", typeof(ContributionRewarded)),
        [OutboxRoutes.EventTypeName(typeof(TreeHeadAnchored))] = ("chain/", typeof(TreeHeadAnchored)),
        [OutboxRoutes.EventTypeName(typeof(PolicyActivated))] = ("governance/", typeof(PolicyActivated)),
        [OutboxRoutes.EventTypeName(typeof(RewardAdjusted))] = ("ledger/", typeof(RewardAdjusted)),
        [OutboxRoutes.EventTypeName(typeof(AppealFiled))] = ("scoring/", typeof(AppealFiled)),
        [OutboxRoutes.EventTypeName(typeof(AppealDecided))] = ("scoring/", typeof(AppealDecided)),
        [OutboxRoutes.EventTypeName(typeof(AppealSettled))] = ("ledger/", typeof(AppealSettled)),
        [OutboxRoutes.EventTypeName(typeof(ModelGainRewarded))] = ("ledger/gains/", typeof(ModelGainRewarded)),
        [OutboxRoutes.EventTypeName(typeof(ModelGainReversed))] = ("ledger/gains/", typeof(ModelGainReversed)),
    };

    public async Task<ContributionViewCheckpoint> LoadCheckpointAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ContributionViewCheckpoint>(ContributionViewCheckpoint.Name, ct)
            ?? ContributionViewCheckpoint.Start;
    }

    /// <summary>History events read per batch.</summary>
    public int BatchSize => batchSize;

    /// <summary>Reads one batch from <paramref name="cursor"/> and applies it on top of <paramref name="checkpoint"/>.</summary>
    /// <exception cref="InvalidOperationException">Another instance moved the checkpoint before this batch (Marten's
    /// concurrency exception when it moves during it): nothing of the batch is stored.</exception>
    public async Task<ProjectionStep> StepAsync(FeedCursor cursor, ContributionViewCheckpoint checkpoint, CancellationToken ct)
    {
        var batch = await _feed.ReadAsync(cursor, batchSize, ct);
        return new ProjectionStep(batch.Next, await ApplyAsync(batch.Events, batch.Next.Checkpoint, checkpoint, ct), batch.Events.Count);
    }

    /// <summary>
    /// Applies the history events that follow <paramref name="checkpoint"/>, up to sequence <paramref name="sequence"/>,
    /// committing the views they change and the new checkpoint together; returns the new checkpoint (the same when
    /// there are no events).
    /// </summary>
    /// <exception cref="InvalidOperationException">Another instance moved the checkpoint before this batch (Marten's
    /// concurrency exception when it moves during it): nothing of the batch is stored.</exception>
    public async Task<ContributionViewCheckpoint> ApplyAsync(IReadOnlyList<StoredEvent> events, long sequence, ContributionViewCheckpoint checkpoint, CancellationToken ct)
    {
        if (events.Count == 0)
            return checkpoint;

        await using var session = store.LightweightSession();
        // Loaded in this session, the checkpoint's version is checked on commit (optimistic concurrency), so two
        // instances that both believe they lead can never both apply the same batch.
        var stored = await session.LoadAsync<ContributionViewCheckpoint>(ContributionViewCheckpoint.Name, ct);
        if ((stored ?? ContributionViewCheckpoint.Start) != checkpoint)
            throw new InvalidOperationException("Another instance moved the contribution views' checkpoint; resuming from the stored one.");

        var facts = Recognise(events, checkpoint.NextLogIndex);
        var views = await LoadViewsAsync(session, facts, checkpoint.AnchoredTreeSize, ct);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var before = views.ToDictionary(v => v.Key, v => v.Value.Status, StringComparer.Ordinal);
        var anchoredSize = checkpoint.AnchoredTreeSize;
        foreach (var (index, fact) in facts)
        {
            switch (fact)
            {
                case ContributionSubmitted submitted:
                    views[submitted.ContributionId] = ContributionViewProjection.Create(submitted, index);
                    changed.Add(submitted.ContributionId);
                    break;
                case ContributionScored scored:
                    Update(scored.ContributionId, view => ContributionViewProjection.Apply(view, scored));
                    break;
                case ContributionRewarded rewarded:
                    Update(rewarded.ContributionId, view => ContributionViewProjection.Apply(view, rewarded));
                    break;
                case ContributionInvalidated invalidated:
                    Update(invalidated.ContributionId, view => ContributionViewProjection.Apply(view, invalidated));
                    break;
                case RewardAdjusted adjusted:
                    Update(adjusted.ContributionId, view => ContributionViewProjection.Apply(view, adjusted));
                    break;
                case AppealFiled filed:
                    Update(filed.ContributionId, view => ContributionViewProjection.Apply(view, filed));
                    break;
                case AppealDecided decided:
                    Update(decided.ContributionId, view => ContributionViewProjection.Apply(view, decided));
                    break;
                case AppealSettled settled:
                    Update(settled.ContributionId, view => ContributionViewProjection.Apply(view, settled));
                    break;
                case ModelGainRewarded gained:
                    Update(gained.ContributionId, view => ContributionViewProjection.Apply(view, gained));
                    break;
                case ModelGainReversed gainReversed:
                    Update(gainReversed.ContributionId, view => ContributionViewProjection.Apply(view, gainReversed));
                    break;
                case TreeHeadAnchored anchored:
                    foreach (var id in views.Keys.ToList())
                        Update(id, view => ContributionViewProjection.Apply(view, anchored));
                    anchoredSize = Math.Max(anchoredSize, anchored.TreeSize);
                    break;
            }
        }

        var next = checkpoint with
        {
            Sequence = sequence,
            NextLogIndex = checkpoint.NextLogIndex + events.Count,
            AnchoredTreeSize = anchoredSize,
        };
        session.Store(changed.Select(id => views[id]).ToArray());
        if (stored is null)
            session.Insert(next);
        else
            session.Store(next);
        await session.SaveChangesAsync(ct);
        PipelineMetrics.Observe(before, changed.Select(id => views[id]), facts.Select(f => f.Fact), events[^1].Timestamp, DateTimeOffset.UtcNow);
        return next;

        void Update(string id, Func<ContributionView, ContributionView> apply)
        {
            // A fact about a contribution this history never accepted has no view to land on.
            if (!views.TryGetValue(id, out var view))
                return;
            var after = apply(view);
            if (after == view)
                return;
            views[id] = after;
            changed.Add(id);
        }
    }

    /// <summary>Applies batches until the feed has nothing more to hand out; for rebuilds and tests.</summary>
    public async Task<ContributionViewCheckpoint> CatchUpAsync(CancellationToken ct)
    {
        var checkpoint = await LoadCheckpointAsync(ct);
        var cursor = new FeedCursor(checkpoint.Sequence);
        while (true)
        {
            var step = await StepAsync(cursor, checkpoint, ct);
            (cursor, checkpoint) = (step.Cursor, step.Checkpoint);
            if (step.Applied == 0 && cursor.Hole is null)
                return checkpoint;
            if (step.Applied == 0)
                await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
        }
    }

    /// <summary>The batch's facts with their log indexes, in history order.</summary>
    private static List<(long Index, object Fact)> Recognise(IReadOnlyList<StoredEvent> events, long firstIndex)
    {
        var facts = new List<(long, object)>();
        for (var i = 0; i < events.Count; i++)
        {
            var stored = events[i];
            if (!Facts.TryGetValue(stored.EventType, out var fact) || !stored.StreamKey.StartsWith(fact.Owner, StringComparison.Ordinal))
                continue;
            var data = stored.Data ?? throw new InvalidOperationException($"History event {stored.Sequence} was read without its data.");
            var read = System.Text.Json.JsonSerializer.Deserialize(data, fact.Type, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"History event {stored.Sequence} has empty data.");
            // Of governance's activations, only invalidations concern a contribution's view.
            if (read is PolicyActivated activation)
            {
                if (ContributionInvalidated.From(activation) is { } invalidated)
                    facts.Add((firstIndex + i, invalidated));
                continue;
            }
            facts.Add((firstIndex + i, read));
        }
        return facts;
    }

    /// <summary>
    /// The stored views the batch's facts touch: those scored or rewarded, and those an anchor may newly cover. Views
    /// below the largest anchored size so far are anchored already (an anchor is recorded after every entry it covers,
    /// so each view existed when its anchor was applied), so only indexes from there on are loaded.
    /// </summary>
    private static async Task<Dictionary<string, ContributionView>> LoadViewsAsync(
        IDocumentSession session, List<(long Index, object Fact)> facts, long anchoredSize, CancellationToken ct)
    {
        var created = facts.Select(f => f.Fact).OfType<ContributionSubmitted>().Select(s => s.ContributionId).ToHashSet(StringComparer.Ordinal);
        var touched = facts.Select(f => f.Fact switch
            {
                ContributionScored scored => scored.ContributionId,
                ContributionRewarded rewarded => rewarded.ContributionId,
                ContributionInvalidated invalidated => invalidated.ContributionId,
                RewardAdjusted adjusted => adjusted.ContributionId,
                AppealFiled filed => filed.ContributionId,
                AppealDecided decided => decided.ContributionId,
                AppealSettled settled => settled.ContributionId,
                ModelGainRewarded gained => gained.ContributionId,
                ModelGainReversed gainReversed => gainReversed.ContributionId,
                _ => null,
            })
            .OfType<string>().Where(id => !created.Contains(id)).Distinct(StringComparer.Ordinal).ToArray();
        var views = new Dictionary<string, ContributionView>(StringComparer.Ordinal);
        if (touched.Length > 0)
            foreach (var view in await session.LoadManyAsync<ContributionView>(ct, touched))
                views[view.Id] = view;

        var newest = facts.Select(f => f.Fact).OfType<TreeHeadAnchored>().Select(a => a.TreeSize).DefaultIfEmpty(0).Max();
        if (newest > anchoredSize)
        {
            var covered = await session.Query<ContributionView>()
                .Where(v => v.LogIndex >= anchoredSize && v.LogIndex < newest)
                .ToListAsync(ct);
            foreach (var view in covered)
                views.TryAdd(view.Id, view);
        }
        return views;
    }
}
