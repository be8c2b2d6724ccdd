using CommunityAI.Audit.Chain;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Watch;

/// <summary>
/// One step of a monitor: fetch the signed checkpoint, verify the log's signature (and k of n witness cosignatures),
/// then check the new head against everything already trusted: the last head seen (same size must mean same root;
/// a larger one must be consistent with it, proven from the tiles) and every anchored head on chain up to its size.
/// Pure over HTTP and the chain: no database.
/// </summary>
internal sealed class HeadWatcher(TileClient tiles, string checkpointPath, NoteKey logKey, IReadOnlyList<NoteKey> witnesses, int witnessesRequired,
    Func<CancellationToken, Task<IReadOnlyList<AnchoredHead>>>? anchors)
{
    public async Task<HeadCheck> CheckAsync(WatchState? last, CancellationToken ct)
    {
        var bytes = await tiles.CheckpointAsync(checkpointPath, ct);
        var opened = SignedCheckpoint.Open(bytes, logKey, witnesses, witnessesRequired);
        if (opened.Checkpoint is not { } checkpoint)
            return new HeadCheck($"checkpoint from {tiles.BaseUrl} refused: {opened.Error}", null, opened.Note, last);
        if (!opened.IsValid)
            return new HeadCheck(null, checkpoint, opened.Note, last, Waiting: opened.Error);

        var (size, root) = (checkpoint.TreeSize, checkpoint.RootHash);
        if (last is not null)
        {
            if (size < last.TreeSize)
                return await OlderAsync(checkpoint, opened.Note, last, ct);
            if (size == last.TreeSize && !root.AsSpan().SequenceEqual(last.Root))
                return Alert($"split view: two signed checkpoints of size {size} with different roots, {last.RootHash} seen before and {Hex.Encode(root)} now");
        }

        var tree = new TileTree(tiles, size);
        if (size > 0)
        {
            var fromTiles = await tree.RootAsync(ct);
            if (!fromTiles.AsSpan().SequenceEqual(root))
                return Alert($"the tiles of the tree of size {size} hash to {Hex.Encode(fromTiles)}, not to the signed root {Hex.Encode(root)}");
        }
        if (last is not null && last.TreeSize > 0 && size > last.TreeSize)
        {
            var proof = await tree.ConsistencyProofAsync(last.TreeSize, ct);
            var result = ProofVerifier.VerifyConsistency(last.TreeSize, size, last.Root, root, proof);
            if (!result.IsValid)
                return Alert($"the head of size {size} (root {Hex.Encode(root)}) is not an extension of the head of size {last.TreeSize} seen before (root {last.RootHash}): {result.Message}");
        }

        int anchorsChecked = last?.AnchorsChecked ?? 0;
        if (anchors is not null)
        {
            var onChain = await anchors(ct);
            // Anchors are checked in chain order; one newer than this checkpoint waits for a checkpoint that covers it.
            for (; anchorsChecked < onChain.Count && onChain[anchorsChecked].TreeSize <= size; anchorsChecked++)
            {
                var anchored = onChain[anchorsChecked];
                if (anchored.TreeSize == 0)
                    continue;
                var proof = await tree.ConsistencyProofAsync(anchored.TreeSize, ct);
                var result = ProofVerifier.VerifyConsistency(anchored.TreeSize, size, anchored.RootHash, root, proof);
                if (!result.IsValid)
                    return Alert($"the head of size {size} (root {Hex.Encode(root)}) rewrites the head of size {anchored.TreeSize} anchored on chain in tx {anchored.TransactionHash} (root {Hex.Encode(anchored.RootHash)}): {result.Message}");
            }
        }
        return new HeadCheck(null, checkpoint, opened.Note, new WatchState(size, Hex.Encode(root), anchorsChecked));

        HeadCheck Alert(string message) => new(message, checkpoint, opened.Note, last);
    }

    /// <summary>
    /// A head older than the last one verified is fine only as a prefix of it, proven from the tiles of the larger tree;
    /// a log that no longer serves those tiles, or whose older head is not a prefix, shrank.
    /// </summary>
    private async Task<HeadCheck> OlderAsync(Checkpoint checkpoint, SignedNote? note, WatchState last, CancellationToken ct)
    {
        var (size, root) = (checkpoint.TreeSize, checkpoint.RootHash);
        var shrank = $"the log shrank: signed checkpoint of size {size} after one of size {last.TreeSize} (root {last.RootHash})";
        if (size == 0)
            return new HeadCheck(shrank, checkpoint, note, last);
        IReadOnlyList<byte[]> proof;
        try
        {
            proof = await new TileTree(tiles, last.TreeSize).ConsistencyProofAsync(size, ct);
        }
        catch (WatchException e)
        {
            return new HeadCheck($"{shrank}, and it no longer serves the tree of size {last.TreeSize}: {e.Message}", checkpoint, note, last);
        }
        var result = ProofVerifier.VerifyConsistency(size, last.TreeSize, root, last.Root, proof);
        if (!result.IsValid)
            return new HeadCheck($"{shrank}, and it is not a prefix of that one: {result.Message}", checkpoint, note, last);
        return new HeadCheck(null, checkpoint, note, last,
            Older: $"the log serves head {size}, older than head {last.TreeSize} verified before and a prefix of it (a witnessed checkpoint); keeping {last.TreeSize}");
    }
}
