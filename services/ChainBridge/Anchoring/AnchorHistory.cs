using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using Marten;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// The anchors as recorded: every change is an event in the history stream "chain/anchors" (so the log itself
/// carries them) and, in the same transaction, the <see cref="AnchorView"/> the API shows.
/// </summary>
public sealed class AnchorHistory(IDocumentStore store, ChainConnection chain, TimeProvider clock)
{
    public const string StreamKey = "chain/anchors";

    /// <summary>
    /// Rebuilds the views from the history when there are none but the history holds anchors: a restore dropped the read
    /// models. Without it the bridge would find its own anchors on chain, take them for ones it never recorded, and
    /// record each again. Views and events are saved in one transaction otherwise, so views are never partly behind.
    /// </summary>
    public async Task RestoreViewsAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<AnchorView>().AnyAsync(ct))
            return;
        var events = await session.Events.FetchStreamAsync(StreamKey, token: ct);
        foreach (var view in AnchorViews.Fold(events.Select(e => e.Data)))
            session.Store(view);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>The anchor with the largest tree size, dropped or not; null before the first.</summary>
    public async Task<AnchorView?> NewestAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<AnchorView>().OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>The largest tree size recorded as on chain (included or confirmed); 0 before the first.</summary>
    public async Task<long> NewestKeptSizeAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var kept = await session.Query<AnchorView>().Where(a => a.Confirmation != ConfirmationState.Dropped)
            .OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        return kept?.Id ?? 0;
    }

    public async Task<AnchorView?> FindAsync(long treeSize, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<AnchorView>(treeSize, ct);
    }

    /// <summary>Anchors a reorg could still drop: every included one, and confirmed ones in blocks from <paramref name="confirmedFromBlock"/> on.</summary>
    public async Task<IReadOnlyList<AnchorView>> StillReversibleAsync(long confirmedFromBlock, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<AnchorView>()
            .Where(a => a.Confirmation == ConfirmationState.Included
                || (a.Confirmation == ConfirmationState.Confirmed && a.BlockNumber >= confirmedFromBlock))
            .OrderBy(a => a.Id)
            .ToListAsync(ct);
    }

    public Task<AnchorView> RecordAnchoredAsync(LogHead head, SentTransaction sent, CancellationToken ct) =>
        RecordAnchoredAsync(head.TreeSize, head.RootHash, sent.TransactionHash, sent.BlockNumber, sent.BlockHash, ct);

    /// <summary>Records an anchor found on chain that was sent but never recorded (the process or node stopped in between).</summary>
    public Task<AnchorView> RecordFoundOnChainAsync(TreeHeadAnchoredEvent found, CancellationToken ct) =>
        RecordAnchoredAsync((long)found.TreeSize, found.RootHash, found.TransactionHash, found.BlockNumber, found.BlockHash, ct);

    public async Task<AnchorView> RecordConfirmedAsync(AnchorView anchor, TransactionInclusion inclusion, int confirmations, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var confirmed = anchor with
        {
            BlockNumber = (long)inclusion.BlockNumber,
            BlockHash = inclusion.BlockHash,
            Confirmation = ConfirmationState.Confirmed,
            ConfirmedAt = now,
        };
        await SaveAsync(confirmed, new TreeHeadConfirmed(anchor.TreeSize, anchor.RootHash, chain.ChainId, AnchorAddress,
            anchor.TxHash, (long)inclusion.BlockNumber, inclusion.BlockHash, confirmations, now), ct);
        return confirmed;
    }

    public async Task<AnchorView> RecordDroppedAsync(AnchorView anchor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var dropped = anchor with { Confirmation = ConfirmationState.Dropped, DroppedAt = now };
        await SaveAsync(dropped, new TreeHeadAnchorDropped(anchor.TreeSize, anchor.RootHash, chain.ChainId, AnchorAddress,
            anchor.TxHash, anchor.BlockNumber, now), ct);
        return dropped;
    }

    /// <summary>
    /// The same transaction now sits in another block: included again, confirmations start over. No event: the
    /// confirmation that follows names the final block.
    /// </summary>
    public async Task<AnchorView> RecordMovedAsync(AnchorView anchor, TransactionInclusion inclusion, CancellationToken ct)
    {
        var moved = anchor with
        {
            BlockNumber = (long)inclusion.BlockNumber,
            BlockHash = inclusion.BlockHash,
            Confirmation = ConfirmationState.Included,
            ConfirmedAt = null,
            DroppedAt = null,
        };
        await SaveAsync(moved, null, ct);
        return moved;
    }

    private async Task<AnchorView> RecordAnchoredAsync(long treeSize, byte[] rootHash, string txHash, ulong blockNumber, string blockHash, CancellationToken ct)
    {
        var anchored = new TreeHeadAnchored(treeSize, Hex.Encode(rootHash), chain.ChainId, AnchorAddress, txHash,
            (long)blockNumber, clock.GetUtcNow(), blockHash);
        var view = new AnchorView
        {
            Id = treeSize,
            RootHash = anchored.RootHash,
            TxHash = txHash,
            BlockNumber = anchored.BlockNumber,
            BlockHash = blockHash,
            Confirmation = ConfirmationState.Included,
            AnchoredAt = anchored.AnchoredAt,
        };
        await SaveAsync(view, anchored, ct);
        return view;
    }

    private async Task SaveAsync(AnchorView view, object? @event, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (@event is not null)
            session.Events.Append(StreamKey, @event);
        session.Store(view);
        await session.SaveChangesAsync(ct);
    }

    private string AnchorAddress => chain.Deployment?.AnchorAddress ?? throw new InvalidOperationException("contracts not deployed yet");
}
