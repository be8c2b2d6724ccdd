using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Merkle;

/// <summary>
/// An OpenZeppelin multiproof: several leaves of one tree proven together, in the format of @openzeppelin/merkle-tree's
/// <c>getMultiProof</c> and MerkleProof.<c>multiProofVerify</c>. <paramref name="Leaves"/> come in the order the proof
/// consumes them (descending tree index), not the caller's; each flag says whether the next hash pairs with another
/// computed node (true) or with the next <paramref name="Proof"/> hash (false).
/// </summary>
public sealed record MultiProof(IReadOnlyList<byte[]> Leaves, IReadOnlyList<byte[]> Proof, IReadOnlyList<bool> ProofFlags)
{
    /// <summary>
    /// OpenZeppelin's core <c>getMultiProof</c> over a tree laid out as one array of 2n−1 nodes (root at 0, children of
    /// i at 2i+1 and 2i+2, leaves at the end). Throws on an index that is not a leaf, or one listed twice.
    /// </summary>
    public static MultiProof Of(IReadOnlyList<byte[]> tree, IEnumerable<int> leafIndices)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(leafIndices);
        var indices = leafIndices.OrderDescending().ToList();
        foreach (var i in indices)
            if (i < 0 || i >= tree.Count || 2 * i + 1 < tree.Count)
                throw new ArgumentException($"index {i} is not a leaf of the tree", nameof(leafIndices));
        for (var p = 1; p < indices.Count; p++)
            if (indices[p] == indices[p - 1])
                throw new ArgumentException($"leaf {indices[p]} is listed twice; a multiproof proves each leaf once", nameof(leafIndices));

        var stack = new Queue<int>(indices);
        var proof = new List<byte[]>();
        var flags = new List<bool>();
        // The queue stays in descending order: parents are pushed in the order their children were taken.
        while (stack.Count > 0 && stack.Peek() > 0)
        {
            var j = stack.Dequeue();
            var sibling = j % 2 == 1 ? j + 1 : j - 1;
            if (stack.Count > 0 && stack.Peek() == sibling)
            {
                flags.Add(true);
                stack.Dequeue();
            }
            else
            {
                flags.Add(false);
                proof.Add(tree[sibling]);
            }
            stack.Enqueue((j - 1) / 2);
        }
        if (indices.Count == 0)
            proof.Add(tree[0]);
        return new MultiProof(indices.Select(i => tree[i]).ToArray(), proof, flags);
    }

    /// <summary>
    /// OpenZeppelin's <c>processMultiProof</c>: the root these leaves and this proof lead to, or null when the shape is
    /// inconsistent (where Solidity reverts). Every leaf and proof hash must be 32 bytes.
    /// </summary>
    public byte[]? ProcessedRoot()
    {
        if (Leaves.Any(l => l.Length != 32) || Proof.Any(p => p.Length != 32))
            return null;
        if (Leaves.Count + Proof.Count != ProofFlags.Count + 1)
            return null;
        var stack = new Queue<byte[]>(Leaves);
        var proof = new Queue<byte[]>(Proof);
        foreach (var flag in ProofFlags)
        {
            if (!stack.TryDequeue(out var a))
                return null;
            if (!(flag ? stack.TryDequeue(out var b) : proof.TryDequeue(out b)))
                return null;
            stack.Enqueue(HashPair(a, b));
        }
        if (stack.Count + proof.Count != 1)
            return null;
        return stack.Count == 1 ? stack.Dequeue() : proof.Dequeue();
    }

    /// <summary>OpenZeppelin's <c>multiProofVerify</c>: true when the leaves and proof lead to <paramref name="root"/>.</summary>
    public bool Verifies(ReadOnlySpan<byte> root) => ProcessedRoot() is { } computed && computed.AsSpan().SequenceEqual(root);

    /// <summary>keccak256 of the two nodes sorted as bytes (OpenZeppelin's commutative hash).</summary>
    public static byte[] HashPair(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Span<byte> pair = stackalloc byte[64];
        var ordered = a.SequenceCompareTo(b) <= 0;
        (ordered ? a : b).CopyTo(pair);
        (ordered ? b : a).CopyTo(pair[32..]);
        var hash = new byte[Keccak256.Size];
        Keccak256.Hash(pair, hash);
        return hash;
    }
}
