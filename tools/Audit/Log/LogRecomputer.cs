using System.Numerics;
using System.Security.Cryptography;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Log;

/// <summary>
/// Rebuilds the RFC 9162 tree leaf by leaf in O(log n) memory, keeping only what the checks ask for up front:
/// the roots at given tree sizes (the anchored heads) and given perfect nodes (those proofs are made of).
/// Pure: no I/O, the caller feeds the entries.
/// </summary>
/// <remarks>
/// The right edge is kept as a flat stack of perfect subtree hashes rather than <see cref="CompactRange"/> objects:
/// verification appends millions of leaves and must stay close to the speed of hashing the export, so appending
/// allocates nothing. The hashing itself is <see cref="LogHasher"/>'s; the tests check every root and node against
/// <see cref="CompactRange"/>.
/// </remarks>
internal sealed class LogRecomputer
{
    private const int H = LogHasher.HashSize;

    private readonly HashSet<long> _rootSizes;
    private readonly HashSet<NodeId> _wantedNodes;
    private readonly Dictionary<long, byte[]> _roots = [];
    private readonly Dictionary<NodeId, byte[]> _nodes = [];
    // One perfect subtree hash per set bit of the size, largest first: the compact range.
    private readonly byte[] _edge = new byte[64 * H];
    private readonly byte[] _scratch = new byte[2 * H + 1];
    private int _depth;
    private byte[]? _leaves;

    /// <param name="rootSizes">Tree sizes whose roots to keep.</param>
    /// <param name="wantedNodes">Perfect nodes whose hashes to keep.</param>
    /// <param name="keepLeaves">Keep every leaf hash (32 bytes each) for a later leaf-by-leaf comparison.</param>
    public LogRecomputer(IEnumerable<long>? rootSizes = null, IEnumerable<NodeId>? wantedNodes = null, bool keepLeaves = false)
    {
        _rootSizes = [.. rootSizes ?? []];
        _wantedNodes = [.. wantedNodes ?? []];
        if (keepLeaves)
            _leaves = GC.AllocateUninitializedArray<byte>(1024 * H);
        if (_rootSizes.Contains(0))
            _roots[0] = LogHasher.EmptyRoot.ToArray();
        _scratch[0] = 0x01;
    }

    public long Size { get; private set; }

    public IReadOnlyDictionary<long, byte[]> Roots => _roots;

    public IReadOnlyDictionary<NodeId, byte[]> Nodes => _nodes;

    /// <summary>Appends one log entry (its bytes, not yet hashed).</summary>
    public void AppendEntry(ReadOnlySpan<byte> entry)
    {
        Span<byte> leaf = stackalloc byte[H];
        FastSha256.Leaf(entry, leaf);
        AppendLeaf(leaf);
    }

    /// <summary>Appends consecutive leaf hashes, 32 bytes each.</summary>
    public void AppendLeaves(ReadOnlySpan<byte> leafHashes)
    {
        for (int i = 0; i + H <= leafHashes.Length; i += H)
            AppendLeaf(leafHashes.Slice(i, H));
    }

    /// <summary>Appends one leaf hash.</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != H)
            throw new ArgumentException($"leaf hash has {leafHash.Length} bytes, expected {H}", nameof(leafHash));
        KeepLeaves(leafHash);
        Push(0, leafHash);
    }

    /// <summary>
    /// True when the next 2^<paramref name="level"/> leaves may be appended as one perfect subtree: the size is aligned
    /// and no root or node to keep lies strictly inside that subtree.
    /// </summary>
    public bool CanAppendSubtree(int level)
    {
        long count = 1L << level;
        if ((Size & (count - 1)) != 0)
            return false;
        foreach (var size in _rootSizes)
            if (size > Size && size < Size + count)
                return false;
        foreach (var node in _wantedNodes)
            if (node.Level < level && node.FirstLeaf >= Size && node.FirstLeaf < Size + count)
                return false;
        return true;
    }

    /// <summary>Appends a perfect subtree hashed elsewhere (for example on another core); see <see cref="CanAppendSubtree"/>.</summary>
    /// <param name="level">Its height: it covers 2^level leaves.</param>
    /// <param name="hash">Its RFC 9162 hash.</param>
    /// <param name="leafHashes">Its leaf hashes, needed only when leaves are kept.</param>
    public void AppendSubtree(int level, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> leafHashes)
    {
        if (!CanAppendSubtree(level))
            throw new InvalidOperationException($"a subtree of level {level} cannot be appended at size {Size}");
        KeepLeaves(leafHashes);
        Push(level, hash);
    }

    private void KeepLeaves(ReadOnlySpan<byte> leafHashes)
    {
        if (_leaves is null)
            return;
        long needed = Size * H + leafHashes.Length;
        if (needed > _leaves.Length)
            Array.Resize(ref _leaves, checked((int)Math.Max(needed, 2L * _leaves.Length)));
        leafHashes.CopyTo(_leaves.AsSpan((int)(Size * H)));
    }

    private void Push(int level, ReadOnlySpan<byte> hash)
    {
        long index = Size >> level;
        if (_wantedNodes.Count > 0)
            Keep(new NodeId(level, index), hash);

        // Each trailing 1 bit is a perfect subtree waiting for a right sibling of its height: merge like binary
        // addition, hashing 0x01 ‖ left ‖ right in one scratch buffer (one SHA-256 call per node).
        hash.CopyTo(_scratch.AsSpan(1 + H));
        int merges = BitOperations.TrailingZeroCount(~index);
        for (int up = 1; up <= merges; up++)
        {
            _edge.AsSpan(--_depth * H, H).CopyTo(_scratch.AsSpan(1));
            FastSha256.Node(_scratch, _scratch.AsSpan(1 + H));
            index >>= 1;
            if (_wantedNodes.Count > 0)
                Keep(new NodeId(level + up, index), _scratch.AsSpan(1 + H));
        }
        _scratch.AsSpan(1 + H, H).CopyTo(_edge.AsSpan(_depth++ * H));
        Size += 1L << level;
        if (_rootSizes.Count > 0 && _rootSizes.Contains(Size))
            _roots[Size] = Root();
    }

    /// <summary>The kept leaf hash at <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Leaf(long index) =>
        _leaves is not null && index >= 0 && index < Size
            ? _leaves.AsSpan((int)(index * H), H)
            : throw new ArgumentOutOfRangeException(nameof(index), index, "leaf was not kept");

    /// <summary>The RFC 9162 root of the tree so far.</summary>
    public byte[] Root()
    {
        if (_depth == 0)
            return LogHasher.EmptyRoot.ToArray();
        // RFC 9162 splits at the largest power of two, so the right edge folds from the smallest subtree leftwards.
        var root = _edge.AsSpan((_depth - 1) * H, H).ToArray();
        for (int i = _depth - 2; i >= 0; i--)
            LogHasher.HashChildren(_edge.AsSpan(i * H, H), root, root);
        return root;
    }

    /// <summary>Assembles a proof from kept nodes; null when a node was not asked for or is not there yet.</summary>
    public byte[][]? Build(ProofPlan plan)
    {
        try
        {
            return plan.Build(id => _nodes.GetValueOrDefault(id));
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    private void Keep(NodeId id, ReadOnlySpan<byte> hash)
    {
        if (_wantedNodes.Contains(id))
            _nodes[id] = hash.ToArray();
    }
}
