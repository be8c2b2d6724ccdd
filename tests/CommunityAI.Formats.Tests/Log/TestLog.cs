using System.Text;
using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

/// <summary>
/// A log built the way the chain-bridge builds it: leaves appended through <see cref="CompactRange"/>,
/// every completed perfect node kept in a store keyed by <see cref="NodeId"/>.
/// </summary>
internal sealed class TestLog
{
    public TestLog(IReadOnlyList<byte[]> entries)
    {
        Entries = entries;
        var range = CompactRange.Empty;
        foreach (var entry in entries)
        {
            var (next, completed) = range.Append(LogHasher.HashLeaf(entry));
            foreach (var node in completed)
                Store.Add(node.Id, node.Hash);
            range = next;
        }
        Range = range;
    }

    public IReadOnlyList<byte[]> Entries { get; }

    public Dictionary<NodeId, byte[]> Store { get; } = [];

    public CompactRange Range { get; }

    /// <summary>Distinct entries "entry 0", "entry 1", …, so that no two leaves or subtrees share a hash.</summary>
    public static TestLog WithEntries(int count) =>
        new([.. Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes($"entry {i}"))]);

    /// <summary>The store as it stood when the log had <paramref name="size"/> leaves.</summary>
    public Func<NodeId, byte[]?> LookupAtSize(long size) =>
        id => id.EndLeaf <= size ? Store.GetValueOrDefault(id) : null;

    public byte[] ReferenceRoot(int size) => MerkleReference.Mth([.. Entries.Take(size)]);

    public byte[] LeafHash(int index) => MerkleReference.LeafHash(Entries[index]);
}
