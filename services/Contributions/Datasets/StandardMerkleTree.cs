using CommunityAI.Contracts;
using CommunityAI.Formats;

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

    public StandardMerkleTree(IReadOnlyList<DatasetMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
            throw new ArgumentException("a Merkle tree needs at least one leaf", nameof(members));
        var leaves = members.Select(m => (Member: m, Hash: LeafHash(m))).OrderBy(l => l.Hash, ByteOrder.Instance).ToArray();
        _tree = new byte[2 * leaves.Length - 1][];
        for (var i = 0; i < leaves.Length; i++)
        {
            var at = _tree.Length - 1 - i;
            _tree[at] = leaves[i].Hash;
            if (!_treeIndexById.TryAdd(leaves[i].Member.ContributionId, at))
                throw new ArgumentException($"contribution {leaves[i].Member.ContributionId} is listed twice", nameof(members));
        }
        for (var i = _tree.Length - 1 - leaves.Length; i >= 0; i--)
            _tree[i] = HashPair(_tree[2 * i + 1], _tree[2 * i + 2]);
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

    private static byte[] HashPair(byte[] a, byte[] b)
    {
        var pair = new byte[64];
        var (first, second) = ByteOrder.Instance.Compare(a, b) <= 0 ? (a, b) : (b, a);
        first.CopyTo(pair, 0);
        second.CopyTo(pair, 32);
        return Keccak(pair);
    }

    private static byte[] Keccak(byte[] data) => Nethereum.Util.Sha3Keccack.Current.CalculateHash(data);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
