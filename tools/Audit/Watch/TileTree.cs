using CommunityAI.Formats.Log;
using CommunityAI.Formats.Tiles;

namespace CommunityAI.Audit.Watch;

/// <summary>
/// The log's tree at one size, as its tiles show it: roots and consistency proofs computed from tile hashes alone.
/// The tiles come from the operator and prove nothing by themselves; a proof built from them is checked by
/// <see cref="ProofVerifier"/> against roots the auditor trusts (signed, seen before, or anchored on chain).
/// </summary>
internal sealed class TileTree(TileClient tiles, long treeSize)
{
    // Several nodes of one head's proof often sit in the same partial tile: fetch it once per head.
    private readonly Dictionary<TilePath, byte[]> _fetched = [];

    public long TreeSize => treeSize;

    /// <summary>The root of the tree of <see cref="TreeSize"/> leaves, hashed up from the tiles.</summary>
    public async Task<byte[]> RootAsync(CancellationToken ct)
    {
        var lookup = await LookupAsync(CompactRange.NodeIdsFor(treeSize), ct);
        return CompactRange.Restore(treeSize, lookup).RootHash();
    }

    /// <summary>The RFC 9162 consistency proof from <paramref name="first"/> to <see cref="TreeSize"/>, built from the tiles.</summary>
    public async Task<byte[][]> ConsistencyProofAsync(long first, CancellationToken ct)
    {
        var plan = ConsistencyProof.Plan(first, treeSize);
        return plan.Build(await LookupAsync(plan.NodeIds, ct));
    }

    private async Task<Func<NodeId, byte[]?>> LookupAsync(IReadOnlyCollection<NodeId> ids, CancellationToken ct)
    {
        var found = new Dictionary<NodeId, byte[]>(ids.Count);
        foreach (var id in ids)
        {
            var tile = TileLayout.TileFor(id, treeSize);
            if (!_fetched.TryGetValue(tile, out var bytes))
                _fetched[tile] = bytes = await tiles.HashTileAsync(tile, ct);
            found[id] = TileLayout.NodeHash(id, bytes);
        }
        return id => found.GetValueOrDefault(id);
    }
}
