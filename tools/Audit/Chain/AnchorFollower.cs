namespace CommunityAI.Audit.Chain;

/// <summary>
/// The anchors of one HistoryAnchor across the checks of a long-running <c>watch</c>: the first read scans from the
/// deployment block, each later one only the blocks since the last, so a monitor polling every few seconds costs the
/// provider a query or two per check rather than a rescan of the chain. A check that finds no block since the last asks
/// the node for its block number only: nothing can have been anchored, and the contract's code was read at that block
/// (a witness polling every five seconds asked three requests a check, 52,000 a day against a hosted endpoint). A head
/// anchored in a block that a reorg later dropped stays known: it was still published by the anchorer, and the log must
/// stay consistent with it.
/// </summary>
internal sealed class AnchorFollower(ChainDeployment chain)
{
    private readonly List<AnchoredHead> _heads = [];
    private ChainLogScan? _last;

    public async Task<IReadOnlyList<AnchoredHead>> ReadAsync(CancellationToken ct)
    {
        var scan = _last is null ? await ChainLogScan.StartAsync(chain, ct) : await _last.NextAsync(ct);
        if (_last is not null && scan.FromBlock > scan.ToBlock)
            return [.. _heads];
        var (heads, _) = await new AnchorReader(chain.Anchor, scan).ReadAsync(ct);
        _heads.AddRange(heads);
        _last = scan;
        return [.. _heads];
    }
}
