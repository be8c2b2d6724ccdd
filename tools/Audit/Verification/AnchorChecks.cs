using CommunityAI.Audit.Chain;
using CommunityAI.Audit.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Verification;

/// <summary>
/// Compares anchored heads with the tree recomputed from the history: each head's root at its size, and an
/// RFC 9162 consistency proof between consecutive heads. Pure: the chain and the history are read elsewhere.
/// </summary>
internal static class AnchorChecks
{
    /// <summary>The tree sizes and perfect nodes a recomputation must keep for <see cref="Run"/>.</summary>
    public static (IReadOnlyList<long> Sizes, IReadOnlyList<NodeId> Nodes) Needs(IReadOnlyList<AnchoredHead> heads)
    {
        var sizes = heads.Select(h => h.TreeSize).Where(s => s >= 0).Distinct().ToList();
        var nodes = new List<NodeId>();
        foreach (var (first, second) in ConsecutivePairs(heads))
            nodes.AddRange(ConsistencyProof.Plan(first.TreeSize, second.TreeSize).NodeIds);
        return (sizes, nodes);
    }

    public static List<Finding> Run(IReadOnlyList<AnchoredHead> heads, AnchoredHead? latestView, LogRecomputer tree)
    {
        var findings = new List<Finding>();
        if (heads.Count == 0)
        {
            findings.Add(new Finding("anchors", false, "the contract holds no anchored head: nothing vouches for the history"));
            return findings;
        }

        long lastGood = 0;
        for (int i = 0; i < heads.Count; i++)
        {
            var head = heads[i];
            var name = $"anchor {i} (tree size {head.TreeSize}, tx {head.TransactionHash})";
            if (i > 0 && head.TreeSize <= heads[i - 1].TreeSize)
                findings.Add(new Finding(name, false, $"tree size {head.TreeSize} does not grow past the previous anchor's {heads[i - 1].TreeSize}"));
            if (head.TreeSize > tree.Size)
            {
                findings.Add(new Finding(name, false,
                    $"the head covers {head.TreeSize} entries but the history has only {tree.Size}: " +
                    $"entries are missing, the first divergent entry is in [{lastGood}, {Math.Min(tree.Size + 1, head.TreeSize)})",
                    RangeStart: lastGood, RangeEnd: Math.Min(tree.Size + 1, head.TreeSize)));
                continue;
            }
            var recomputed = tree.Roots[head.TreeSize];
            if (recomputed.AsSpan().SequenceEqual(head.RootHash))
            {
                findings.Add(Finding.Pass(name, $"root {Hex.Encode(head.RootHash)} equals the recomputed root"));
                lastGood = Math.Max(lastGood, head.TreeSize);
            }
            else
            {
                findings.Add(new Finding(name, false,
                    $"anchored root {Hex.Encode(head.RootHash)} differs from the recomputed root {Hex.Encode(recomputed)}: " +
                    $"the first divergent entry is in [{lastGood}, {head.TreeSize})",
                    RangeStart: lastGood, RangeEnd: head.TreeSize));
            }
        }

        foreach (var (first, second) in ConsecutivePairs(heads))
        {
            if (second.TreeSize > tree.Size)
                continue;
            var name = $"consistency {first.TreeSize} → {second.TreeSize}";
            var proof = tree.Build(ConsistencyProof.Plan(first.TreeSize, second.TreeSize));
            var result = proof is null
                ? null
                : ProofVerifier.VerifyConsistency(first.TreeSize, second.TreeSize, first.RootHash, second.RootHash, proof);
            findings.Add(result is { IsValid: true }
                ? Finding.Pass(name, "the later anchored head extends the earlier one")
                : new Finding(name, false, $"the anchored heads are not consistent with the history: {result?.Message ?? "proof nodes missing"}",
                    RangeStart: first.TreeSize, RangeEnd: second.TreeSize));
        }

        if (latestView is not null && heads[^1] is var last
            && (latestView.TreeSize != last.TreeSize || !latestView.RootHash.AsSpan().SequenceEqual(last.RootHash)))
        {
            findings.Add(new Finding("latestHead()", false,
                $"the contract's latestHead() ({latestView.TreeSize}, {Hex.Encode(latestView.RootHash)}) is not its last TreeHeadAnchored event ({last.TreeSize}, {Hex.Encode(last.RootHash)})"));
        }
        return findings;
    }

    private static IEnumerable<(AnchoredHead First, AnchoredHead Second)> ConsecutivePairs(IReadOnlyList<AnchoredHead> heads)
    {
        for (int i = 1; i < heads.Count; i++)
            if (heads[i - 1].TreeSize > 0 && heads[i - 1].TreeSize < heads[i].TreeSize)
                yield return (heads[i - 1], heads[i]);
    }
}
