using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Database;
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

    // The facts about one contribution, by the type they are read as: the streams of the service that owns them, the
    // contribution they name and the projection's Apply for them. They all land on their contribution's view the same
    // way, so they are a row each, not a block each, and the apply loop and the loading of the views a batch touches
    // read the same rows and cannot disagree about which views a fact touches.
    private static readonly Dictionary<Type, OneViewFact> OneView = new[]
    {
        OneViewFact.Of<ContributionScored>("scoring/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<ContributionRewarded>("ledger/", e => e.ContributionId, ContributionViewProjection.Apply),
        // Not a history event: Recognise reads it from governance's PolicyActivated (listed in Facts).
        OneViewFact.Of<ContributionInvalidated>(null, e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<RewardAdjusted>("ledger/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<AppealFiled>("scoring/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<AppealDecided>("scoring/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<AppealSettled>("ledger/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<ModelGainRewarded>("ledger/gains/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<ModelGainReversed>("ledger/gains/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<DataValueRewarded>("ledger/data-value/", e => e.ContributionId, ContributionViewProjection.Apply),
        OneViewFact.Of<DataValueReversed>("ledger/data-value/", e => e.ContributionId, ContributionViewProjection.Apply),
    }.ToDictionary(f => f.Type);

    // Every history event the views follow, by its stored type name, with the streams it is taken from: each fact is
    // taken only from the streams of the service that owns it; the same event type in another service's stream is not
    // that fact. Besides the rows above, the three with rules of their own (ApplyAsync, Recognise).
    private static readonly Dictionary<string, (string Owner, Type Type)> Facts = new (string Owner, Type Type)[]
        {
            (ContributionAppender.StreamPrefix, typeof(ContributionSubmitted)), // creates its view
            ("chain/", typeof(TreeHeadAnchored)), // lands on every view it newly covers
            ("governance/", typeof(PolicyActivated)), // an invalidation among them is read as ContributionInvalidated
        }
        .Concat(OneView.Values.Where(f => f.Owner is not null).Select(f => (f.Owner!, f.Type)))
        .ToDictionary(f => OutboxRoutes.EventTypeName(f.Type), StringComparer.Ordinal);

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
                case TreeHeadAnchored anchored:
                    foreach (var id in views.Keys.ToList())
                        Update(id, view => ContributionViewProjection.Apply(view, anchored));
                    anchoredSize = Math.Max(anchoredSize, anchored.TreeSize);
                    break;
                default:
                    var about = OneView[fact.GetType()]; // Recognise hands out no other type
                    Update(about.ContributionOf(fact), view => about.Apply(view, fact));
                    break;
            }
        }

        var next = checkpoint with
        {
            Sequence = sequence,
            NextLogIndex = checkpoint.NextLogIndex + events.Count,
            AnchoredTreeSize = anchoredSize,
        };
        await DocumentRows.UpsertAsync(session, changed.Select(id => views[id]).ToArray(), v => v.Id, ct);
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
        var touched = facts.Select(f => OneView.TryGetValue(f.Fact.GetType(), out var about) ? about.ContributionOf(f.Fact) : null)
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

    /// <summary>A fact about one contribution: the type it is read as, its owner's stream prefix (null when it is not a
    /// history event of its own), the contribution it names, and how it changes that contribution's view.</summary>
    private sealed record OneViewFact(
        Type Type, string? Owner, Func<object, string> ContributionOf, Func<ContributionView, object, ContributionView> Apply)
    {
        public static OneViewFact Of<T>(string? owner, Func<T, string> contributionOf, Func<ContributionView, T, ContributionView> apply) =>
            new(typeof(T), owner, fact => contributionOf((T)fact), (view, fact) => apply(view, (T)fact));
    }
}
