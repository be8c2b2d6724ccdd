using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Claims;

/// <summary>
/// A reward epoch's tree of cumulative claimable amounts per address, built exactly as OpenZeppelin's
/// <c>StandardMerkleTree.of(values, ["address", "uint256"])</c> (<c>@openzeppelin/merkle-tree</c> v1) builds
/// it, so its root and proofs verify with that library and with OpenZeppelin's <c>MerkleProof</c> on chain.
/// </summary>
/// <remarks>
/// Leaf = keccak256(keccak256(abi.encode(address, amount))), hashed twice so that a leaf can never be
/// mistaken for an internal node. Internal node = keccak256 of its two children in ascending byte order.
/// The leaves, sorted by hash, fill the end of an array in reverse; the array is a complete binary tree
/// with <c>tree[i] = hash(tree[2i+1], tree[2i+2])</c> and the root at index 0.
/// </remarks>
public sealed class ClaimTree
{
    private readonly Node[] _tree;
    private readonly Dictionary<AddressKey, int> _inputIndex;
    private readonly int[] _treeIndex;
    private readonly BigInteger[] _amounts;

    private ClaimTree(Node[] tree, Dictionary<AddressKey, int> inputIndex, int[] treeIndex, BigInteger[] amounts)
    {
        _tree = tree;
        _inputIndex = inputIndex;
        _treeIndex = treeIndex;
        _amounts = amounts;
        Root = tree[0].ToHex();
        Total = amounts.Aggregate(BigInteger.Zero, (sum, amount) => sum + amount);
    }

    /// <summary>The root as 0x-prefixed hex: what the distributor contract is given for the epoch.</summary>
    public string Root { get; }

    /// <summary>
    /// The sum of every cumulative amount: published with the root, it caps what all claims against the root may pay.
    /// </summary>
    public BigInteger Total { get; }

    /// <summary>Number of addresses with a claim.</summary>
    public int Count => _amounts.Length;

    /// <summary>
    /// The leaves of an epoch's tree from every address's cumulative amount, as the ledger publishes it and everyone who
    /// recomputes it must: an address whose cumulative amount is zero is no leaf (it could claim nothing; the distributor
    /// pays differences only), and the rest are in ordinal order of address. One rule for the ledger, governance's
    /// voting weights and the auditors, which drifted apart once when each had its own.
    /// </summary>
    public static List<(string Address, BigInteger Amount)> LeavesOf(IEnumerable<(string Address, BigInteger Amount)> cumulative) =>
        [.. cumulative.Where(c => c.Amount > 0).OrderBy(c => c.Address, StringComparer.Ordinal)];

    /// <summary>The tree of <see cref="LeavesOf"/>, or null when nobody has anything to claim.</summary>
    public static ClaimTree? OfCumulativeAmounts(IEnumerable<(string Address, BigInteger Amount)> cumulative)
    {
        var leaves = LeavesOf(cumulative);
        return leaves.Count == 0 ? null : Build(leaves);
    }

    /// <summary>
    /// Builds the tree. Throws <see cref="ArgumentException"/> for an empty input, an invalid address,
    /// the same address twice (in any case), a negative amount or an amount of 2^256 or more.
    /// </summary>
    public static ClaimTree Build(IEnumerable<(string Address, BigInteger Amount)> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var input = claims as IReadOnlyList<(string Address, BigInteger Amount)> ?? claims.ToArray();
        var n = input.Count;
        if (n == 0)
            throw new ArgumentException("a claim tree needs at least one claim", nameof(claims));

        // Leaves are hashed straight into the last n slots of the tree; every slot is written before use.
        var tree = GC.AllocateUninitializedArray<Node>(2 * n - 1);
        var keys = new AddressKey[n];
        HashLeaves(input, keys, tree, firstLeaf: n - 1);

        var inputIndex = new Dictionary<AddressKey, int>(n);
        for (var i = 0; i < n; i++)
            if (!inputIndex.TryAdd(keys[i], i))
                throw new ArgumentException(
                    $"claim {i}: address {Address.Parse(input[i].Address)} appears more than once", nameof(claims));

        // OpenZeppelin sorts leaves ascending and stores them from the end of the array backwards,
        // which is the same as sorting the leaf slots descending in place. Input positions ride along.
        var order = new int[n];
        for (var i = 0; i < n; i++)
            order[i] = i;
        tree.AsSpan(n - 1).Sort(order.AsSpan(), new Descending());

        var treeIndex = new int[n];
        for (var j = 0; j < n; j++)
            treeIndex[order[j]] = n - 1 + j;
        var amounts = new BigInteger[n];
        for (var i = 0; i < n; i++)
            amounts[i] = input[i].Amount;

        HashInternalNodes(tree, n);
        return new ClaimTree(tree, inputIndex, treeIndex, amounts);
    }

    /// <summary>True when <paramref name="address"/> (any case) has a claim in this tree.</summary>
    public bool Contains(string address) => _inputIndex.ContainsKey(Key(address));

    /// <summary>The cumulative amount claimable by <paramref name="address"/>; <see cref="KeyNotFoundException"/> if it has none.</summary>
    public BigInteger GetAmount(string address) => _amounts[Find(address)];

    /// <summary>
    /// The proof for <paramref name="address"/>'s claim, leaf to root, as 0x-prefixed hex: the same list
    /// <c>StandardMerkleTree.getProof</c> returns. <see cref="KeyNotFoundException"/> if it has no claim.
    /// </summary>
    public IReadOnlyList<string> GetProof(string address)
    {
        var proof = new List<string>();
        for (var i = _treeIndex[Find(address)]; i > 0; i = (i - 1) / 2)
            proof.Add(_tree[i % 2 == 1 ? i + 1 : i - 1].ToHex());
        return proof;
    }

    /// <summary>
    /// True when <paramref name="proof"/> links the claim (<paramref name="address"/>, <paramref name="amount"/>)
    /// to <paramref name="root"/>, as OpenZeppelin's <c>MerkleProof.verify</c> decides on chain.
    /// Throws <see cref="ArgumentException"/> for malformed arguments rather than answering false.
    /// </summary>
    public static bool Verify(string root, string address, BigInteger amount, IEnumerable<string> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var expected = ParseHash(root, nameof(root));
        var node = LeafNode(address, amount);
        foreach (var sibling in proof)
            node = HashPair(node, ParseHash(sibling, nameof(proof)));
        return node == expected;
    }

    /// <summary>The leaf hash of a claim as 0x-prefixed hex (OpenZeppelin's <c>leafHash</c>).</summary>
    public static string LeafHash(string address, BigInteger amount) => LeafNode(address, amount).ToHex();

    // The claim's position in the input, which indexes _treeIndex and _amounts.
    private int Find(string address) =>
        _inputIndex.TryGetValue(Key(address), out var index)
            ? index
            : throw new KeyNotFoundException($"address {Address.Parse(address)} has no claim in this tree");

    // Leaves are independent, and hashing them (plus checksum checks) is most of the work: spread it over cores.
    private static void HashLeaves(
        IReadOnlyList<(string Address, BigInteger Amount)> input, AddressKey[] keys, Node[] tree, int firstLeaf)
    {
        var n = input.Count;
        var firstError = (Index: int.MaxValue, Message: "");
        var gate = new object();
        var chunk = Math.Max(256, n / (Environment.ProcessorCount * 8));
        Parallel.ForEach(Partitioner.Create(0, n, chunk), range =>
        {
            Span<byte> encoded = stackalloc byte[64];
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var (address, amount) = input[i];
                var error = EncodeLeaf(address, amount, encoded);
                if (error is not null)
                {
                    lock (gate)
                        if (i < firstError.Index)
                            firstError = (i, error);
                    return;
                }
                keys[i] = AddressKey.From(encoded[12..32]);
                tree[firstLeaf + i] = HashLeaf(encoded);
            }
        });
        // Report the earliest bad claim so the message does not depend on thread scheduling.
        if (firstError.Index != int.MaxValue)
            throw new ArgumentException($"claim {firstError.Index}: {firstError.Message}", "claims");
    }

    // Nodes on one level depend only on the level below, so each level is hashed in parallel, deepest first.
    private static void HashInternalNodes(Node[] tree, int leafCount)
    {
        var lastInternal = leafCount - 2;
        if (lastInternal < 0)
            return;
        for (var level = BitOperations.Log2((uint)lastInternal + 1); level >= 0; level--)
        {
            var start = (1 << level) - 1;
            var end = Math.Min((2 << level) - 2, lastInternal);
            if (end - start < 4096)
                for (var i = start; i <= end; i++)
                    tree[i] = HashPair(tree[2 * i + 1], tree[2 * i + 2]);
            else
                Parallel.ForEach(Partitioner.Create(start, end + 1), range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++)
                        tree[i] = HashPair(tree[2 * i + 1], tree[2 * i + 2]);
                });
        }
    }

    // abi.encode(address, uint256): the address left-padded to 32 bytes, then the amount big-endian.
    private static string? EncodeLeaf(string address, BigInteger amount, Span<byte> encoded)
    {
        encoded[..12].Clear();
        if (Address.TryDecode(address, encoded[12..32]) is { } addressError)
            return addressError;
        if (amount.Sign < 0)
            return "the amount is negative";
        var length = amount.GetByteCount(isUnsigned: true);
        if (length > 32)
            return "the amount does not fit in uint256";
        encoded[32..(64 - length)].Clear();
        amount.TryWriteBytes(encoded[(64 - length)..], out _, isUnsigned: true, isBigEndian: true);
        return null;
    }

    private static Node LeafNode(string address, BigInteger amount)
    {
        Span<byte> encoded = stackalloc byte[64];
        return EncodeLeaf(address, amount, encoded) is { } error
            ? throw new ArgumentException(error, Address.IsValid(address) ? nameof(amount) : nameof(address))
            : HashLeaf(encoded);
    }

    // Hashed twice: a 64-byte leaf preimage could otherwise pose as a pair of child nodes (second preimage).
    private static Node HashLeaf(ReadOnlySpan<byte> encoded)
    {
        Span<byte> hash = stackalloc byte[Keccak256.Size];
        Keccak256.Hash(encoded, hash);
        Keccak256.Hash(hash, hash);
        return Node.Read(hash);
    }

    private static Node HashPair(Node a, Node b)
    {
        var (low, high) = a.CompareTo(b) <= 0 ? (a, b) : (b, a);
        Span<byte> pair = stackalloc byte[64];
        low.Write(pair[..32]);
        high.Write(pair[32..]);
        Keccak256.Hash(pair, pair[..32]);
        return Node.Read(pair);
    }

    private static AddressKey Key(string address)
    {
        Span<byte> bytes = stackalloc byte[Address.Size];
        return Address.TryDecode(address, bytes) is { } error
            ? throw new ArgumentException(error, nameof(address))
            : AddressKey.From(bytes);
    }

    private static Node ParseHash(string? hex, string paramName) =>
        Hex.TryDecode(hex, out var bytes, 32)
            ? Node.Read(bytes)
            : throw new ArgumentException("expected 0x-prefixed hex of 32 bytes", paramName);

    private readonly struct Descending : IComparer<Node>
    {
        public int Compare(Node x, Node y) => y.CompareTo(x);
    }

    // 20 address bytes as integers: a cheap dictionary key without a string per address.
    private readonly record struct AddressKey(ulong High, ulong Middle, uint Low)
    {
        public static AddressKey From(ReadOnlySpan<byte> address) => new(
            BinaryPrimitives.ReadUInt64BigEndian(address),
            BinaryPrimitives.ReadUInt64BigEndian(address[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(address[16..]));
    }

    // A 32-byte hash as four big-endian words: ordering the words orders the bytes, which is how
    // OpenZeppelin sorts leaves and pairs, and comparing them needs no span or allocation.
    private readonly record struct Node(ulong A, ulong B, ulong C, ulong D) : IComparable<Node>
    {
        public static Node Read(ReadOnlySpan<byte> hash) => new(
            BinaryPrimitives.ReadUInt64BigEndian(hash),
            BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));

        public void Write(Span<byte> destination)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, A);
            BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
            BinaryPrimitives.WriteUInt64BigEndian(destination[16..], C);
            BinaryPrimitives.WriteUInt64BigEndian(destination[24..], D);
        }

        public int CompareTo(Node other)
        {
            var c = A.CompareTo(other.A);
            if (c == 0) c = B.CompareTo(other.B);
            if (c == 0) c = C.CompareTo(other.C);
            return c != 0 ? c : D.CompareTo(other.D);
        }

        public string ToHex()
        {
            Span<byte> bytes = stackalloc byte[32];
            Write(bytes);
            return Hex.Encode(bytes);
        }
    }
}
