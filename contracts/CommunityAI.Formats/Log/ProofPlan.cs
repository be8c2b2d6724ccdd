namespace CommunityAI.Formats.Log;

/// <summary>
/// The perfect nodes an inclusion or consistency proof is made of, so that a caller can fetch them
/// all in one storage query and then <see cref="Build"/> the proof.
/// </summary>
/// <remarks>
/// Each proof hash is either one stored perfect node or, on the right edge of the tree, the hash of a
/// non-perfect subtree, which is composed here from the perfect nodes that cover it.
/// </remarks>
public sealed class ProofPlan
{
    private readonly NodeId[] nodeIds;
    private readonly int[] elementEnds;
    private readonly string description;

    internal ProofPlan(List<NodeId> nodeIds, List<int> elementEnds, string description)
    {
        this.nodeIds = [.. nodeIds];
        this.elementEnds = [.. elementEnds];
        this.description = description;
    }

    /// <summary>The perfect nodes to fetch, each once, in the order the proof uses them.</summary>
    public IReadOnlyList<NodeId> NodeIds => nodeIds;

    /// <summary>Number of hashes in the proof.</summary>
    public int ProofLength => elementEnds.Length;

    /// <summary>Builds the proof, hashes in RFC 9162 order, from the fetched nodes.</summary>
    /// <param name="lookup">Returns the stored hash of a node of <see cref="NodeIds"/>, or null if it has none.</param>
    /// <returns>The proof: <see cref="ProofLength"/> new 32-byte arrays.</returns>
    /// <exception cref="KeyNotFoundException"><paramref name="lookup"/> has no hash for a needed node.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="lookup"/> returned a hash that is not 32 bytes.</exception>
    public byte[][] Build(Func<NodeId, byte[]?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var proof = new byte[elementEnds.Length][];
        int start = 0;
        for (int i = 0; i < elementEnds.Length; i++)
        {
            int end = elementEnds[i];
            // Fold right to left: RFC 9162 splits a right-edge subtree at its largest power of two, so
            // its hash is HASH(first, HASH(second, ...)).
            var hash = Fetch(lookup, nodeIds[end - 1], description).ToArray();
            for (int j = end - 2; j >= start; j--)
                LogHasher.HashChildren(Fetch(lookup, nodeIds[j], description), hash, hash);
            proof[i] = hash;
            start = end;
        }
        return proof;
    }

    /// <summary>Describes the proof, e.g. "inclusion proof for index 5 in a tree of 9".</summary>
    /// <returns>What the plan is for.</returns>
    public override string ToString() => description;

    internal static byte[] Fetch(Func<NodeId, byte[]?> lookup, NodeId id, string purpose)
    {
        var hash = lookup(id) ?? throw new KeyNotFoundException($"node {id} (leaves {id.FirstLeaf}..{id.EndLeaf - 1}), needed for the {purpose}, is not in the store");
        if (hash.Length != LogHasher.HashSize)
            throw new InvalidOperationException($"node {id}, needed for the {purpose}, has a {hash.Length}-byte hash, expected {LogHasher.HashSize}");
        return hash;
    }
}
