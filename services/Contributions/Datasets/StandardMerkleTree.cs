using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Merkle;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// OpenZeppelin's StandardMerkleTree (@openzeppelin/merkle-tree) over <c>["bytes32","bytes32"]</c> leaves, so a root
/// and proof from here verify with OpenZeppelin's MerkleProof in Solidity and with the JavaScript library. Same layout:
/// leaf = keccak256(keccak256(abi.encode(id, hash))); leaves sorted by hash and laid out from the end of one array of
/// 2n−1 nodes; each parent = keccak256 of its children sorted as bytes. Pure.
/// </summary>
public sealed class StandardMerkleTree
{
    /// <summary>The leaf encoding, as OpenZeppelin's dump names it.</summary>
    public static readonly IReadOnlyList<string> LeafEncoding = ["bytes32", "bytes32"];

    private readonly byte[][] _tree;
    private readonly Dictionary<string, int> _treeIndexById = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, DatasetMember> _memberByTreeIndex = [];

    public StandardMerkleTree(IReadOnlyList<DatasetMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
            throw new ArgumentException("a Merkle tree needs at least one leaf", nameof(members));
        var leaves = members.Select(m => (Member: m, Hash: LeafHash(m))).OrderBy(l => l.Hash, ByteOrder.Instance).ToArray();
        _tree = StandardTreeLayout.Build(leaves.Select(l => l.Hash).ToArray());
        for (var i = 0; i < leaves.Length; i++)
        {
            var at = StandardTreeLayout.LeafIndex(_tree.Length, i);
            if (!_treeIndexById.TryAdd(leaves[i].Member.ContributionId, at))
                throw new ArgumentException($"contribution {leaves[i].Member.ContributionId} is listed twice", nameof(members));
            _memberByTreeIndex[at] = leaves[i].Member;
        }
    }

    /// <summary>The root, 0x-prefixed lowercase hex.</summary>
    public string Root => Hex.Encode(_tree[0]);

    /// <summary>The leaf hash of a contribution in the tree, or null when it is not a member.</summary>
    public string? Leaf(string contributionId) => _treeIndexById.TryGetValue(contributionId, out var i) ? Hex.Encode(_tree[i]) : null;

    /// <summary>The sibling hashes from the contribution's leaf up to the root (OpenZeppelin's getProof), or null when not a member.</summary>
    public IReadOnlyList<string>? Proof(string contributionId)
    {
        if (!_treeIndexById.TryGetValue(contributionId, out var i))
            return null;
        var proof = new List<string>();
        while (i > 0)
        {
            proof.Add(Hex.Encode(_tree[i % 2 == 1 ? i + 1 : i - 1]));
            i = (i - 1) / 2;
        }
        return proof;
    }

    /// <summary>
    /// OpenZeppelin's getMultiProof for these members: the members in the order the proof consumes them (not the
    /// caller's), with their leaf hashes, the proof and its flags. Throws when one is not a member or is listed twice.
    /// </summary>
    public (IReadOnlyList<DatasetMember> Members, Formats.Merkle.MultiProof Proof) MultiProof(IEnumerable<string> contributionIds)
    {
        ArgumentNullException.ThrowIfNull(contributionIds);
        var indices = contributionIds.Select(id => _treeIndexById.TryGetValue(id, out var i)
            ? i
            : throw new ArgumentException($"contribution {id} is not a member", nameof(contributionIds))).ToList();
        var proof = Formats.Merkle.MultiProof.Of(_tree, indices);
        // Of orders leaves by descending tree index; the members follow that order.
        return (indices.OrderDescending().Select(i => _memberByTreeIndex[i]).ToArray(), proof);
    }

    /// <summary>OpenZeppelin's processProof: the root a leaf and its proof lead to.</summary>
    public static string ProcessProof(string leaf, IEnumerable<string> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return Hex.Encode(proof.Aggregate(Hex.Decode(leaf, 32), (node, sibling) => HashPair(node, Hex.Decode(sibling, 32))));
    }

    /// <summary>keccak256(keccak256(abi.encode(bytes32 id, bytes32 hash))): the double hash keeps a leaf from passing as a node.</summary>
    public static byte[] LeafHash(DatasetMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var encoded = new byte[64];
        Hex.Decode(member.ContributionId, 32).CopyTo(encoded, 0);
        Hex.Decode(member.ContentHash, 32).CopyTo(encoded, 32);
        return Keccak(Keccak(encoded));
    }

    private static byte[] HashPair(byte[] a, byte[] b) => Formats.Merkle.MultiProof.HashPair(a, b);

    private static byte[] Keccak(byte[] data) => Nethereum.Util.Sha3Keccack.Current.CalculateHash(data);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
