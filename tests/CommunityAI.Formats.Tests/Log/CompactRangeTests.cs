using System.Security.Cryptography;
using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

public class CompactRangeTests
{
    private const int Size = 130;
    private static readonly TestLog Log = TestLog.WithEntries(Size);

    [Fact]
    public void Root_after_every_append_up_to_130_leaves_matches_the_reference()
    {
        var range = CompactRange.Empty;
        Assert.Equal(Log.ReferenceRoot(0), range.RootHash());
        for (int size = 1; size <= Size; size++)
        {
            range = range.Append(Log.LeafHash(size - 1)).Range;
            Assert.Equal(size, range.Size);
            Assert.Equal(Log.ReferenceRoot(size), range.RootHash());
        }
    }

    [Fact]
    public void Appends_emit_every_perfect_node_exactly_once_with_its_reference_hash()
    {
        var emitted = new List<LogNode>();
        var range = CompactRange.Empty;
        for (int i = 0; i < Size; i++)
            range = range.Append(Log.LeafHash(i), emitted);

        var expected = new List<NodeId>();
        for (int level = 0; (1L << level) <= Size; level++)
            for (long index = 0; (index + 1) << level <= Size; index++)
                expected.Add(new NodeId(level, index));
        Assert.Equal(expected.Order(), emitted.Select(n => n.Id).Order());
        foreach (var node in emitted)
        {
            var covered = Log.Entries.Skip((int)node.Id.FirstLeaf).Take((int)node.Id.LeafCount).ToList();
            Assert.Equal(MerkleReference.Mth(covered), node.Hash);
        }
    }

    [Fact]
    public void Each_append_emits_the_leaf_first_then_the_parents_it_completes_bottom_up()
    {
        var (_, completed) = TestLog.WithEntries(7).Range.Append(Log.LeafHash(7));

        Assert.Equal([new NodeId(0, 7), new NodeId(1, 3), new NodeId(2, 1), new NodeId(3, 0)], completed.Select(n => n.Id));
    }

    [Fact]
    public void A_range_restored_from_stored_nodes_at_any_size_continues_exactly_like_the_original()
    {
        for (int size = 0; size <= 70; size++)
        {
            var restored = CompactRange.Restore(size, Log.LookupAtSize(size));
            Assert.Equal(Log.ReferenceRoot(size), restored.RootHash());

            var continued = restored;
            for (int i = size; i < 70; i++)
                continued = continued.Append(Log.LeafHash(i)).Range;
            Assert.Equal(Log.ReferenceRoot(70), continued.RootHash());
        }
    }

    [Fact]
    public void Restore_needs_one_node_per_set_bit_of_the_size()
    {
        Assert.Equal([new NodeId(5, 0), new NodeId(3, 4), new NodeId(1, 20), new NodeId(0, 42)], CompactRange.NodeIdsFor(43));
        Assert.Empty(CompactRange.NodeIdsFor(0));
        Assert.Equal(63, CompactRange.NodeIdsFor(long.MaxValue).Count);
    }

    [Fact]
    public void Restore_names_the_missing_node()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => CompactRange.Restore(43, id => id.Level == 1 ? null : new byte[32]));

        Assert.Contains("node 1/20", error.Message);
    }

    [Fact]
    public void Restore_rejects_a_stored_hash_of_the_wrong_length()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CompactRange.Restore(3, _ => new byte[31]));

        Assert.Contains("31-byte", error.Message);
    }

    [Fact]
    public void Appending_leaves_the_original_range_unchanged()
    {
        var original = TestLog.WithEntries(5).Range;
        var before = original.RootHash();

        var (next, completed) = original.Append(Log.LeafHash(5));
        completed[^1].Hash[0] ^= 0xff; // a caller scribbling on what it was given must not reach the range

        Assert.Equal(5, original.Size);
        Assert.Equal(before, original.RootHash());
        Assert.Equal(Log.ReferenceRoot(6), next.RootHash());
    }

    [Fact]
    public void Append_rejects_a_leaf_hash_that_is_not_32_bytes()
    {
        var error = Assert.Throws<ArgumentException>(() => CompactRange.Empty.Append(new byte[20]));

        Assert.Contains("20 bytes", error.Message);
    }

    [Fact]
    public void Root_can_be_written_without_allocating_into_a_caller_buffer()
    {
        Span<byte> root = stackalloc byte[32];
        Log.Range.WriteRootHash(root);

        Assert.Equal(Log.ReferenceRoot(Size), root.ToArray());
    }

    [Fact]
    public void A_large_entry_hashes_like_a_small_one()
    {
        var entry = RandomNumberGenerator.GetBytes(100_000);

        Assert.Equal(MerkleReference.LeafHash(entry), LogHasher.HashLeaf(entry));
    }
}
