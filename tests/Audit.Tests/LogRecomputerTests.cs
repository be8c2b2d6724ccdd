using System.Text;
using CommunityAI.Audit.Log;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Tests;

/// <summary>The tool's own tree arithmetic, checked against the public format library it must agree with.</summary>
public sealed class LogRecomputerTests
{
    private static byte[] Entry(long i) => Encoding.UTF8.GetBytes($$"""{"data":{"n":{{i}}},"index":{{i}}}""");

    [Fact]
    public void Roots_nodes_and_proofs_equal_those_of_the_format_library_for_every_size_up_to_300()
    {
        const int n = 300;
        var sizes = Enumerable.Range(0, n + 1).Select(i => (long)i).ToList();
        var plans = new[] { (7L, 300L), (0L, 1L), (150L, 257L) }.Select(p => InclusionProof.Plan(p.Item1, p.Item2))
            .Concat([ConsistencyProof.Plan(13, 300), ConsistencyProof.Plan(256, 300), ConsistencyProof.Plan(1, 2)]).ToList();
        var tree = new LogRecomputer(sizes, plans.SelectMany(p => p.NodeIds));
        var range = CompactRange.Empty;
        var stored = new Dictionary<NodeId, byte[]>();
        Assert.Equal(range.RootHash(), tree.Roots[0]);
        for (long i = 0; i < n; i++)
        {
            tree.AppendEntry(Entry(i));
            var (next, completed) = range.Append(LogHasher.HashLeaf(Entry(i)));
            range = next;
            foreach (var node in completed)
                stored[node.Id] = node.Hash;
            Assert.Equal(range.RootHash(), tree.Roots[i + 1]);
        }
        foreach (var plan in plans)
            Assert.Equal(plan.Build(id => stored.GetValueOrDefault(id)), tree.Build(plan));
    }

    [Theory]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(5000)]
    [InlineData(70_000)]
    public void Hashing_an_export_in_parallel_blocks_gives_the_same_roots_as_one_leaf_at_a_time(int entries)
    {
        // Anchored sizes inside blocks, on block edges and at the end; proof nodes inside a block.
        var sizes = new long[] { 1, 1000, 1024, 1025, 3000, 4096, entries }.Where(s => s <= entries).ToList();
        var wanted = InclusionProof.Plan(entries / 2, entries).NodeIds;
        var text = new MemoryStream();
        var sequential = new LogRecomputer(sizes, wanted, keepLeaves: true);
        for (long i = 0; i < entries; i++)
        {
            text.Write(Entry(i));
            text.WriteByte((byte)'\n');
            sequential.AppendEntry(Entry(i));
        }
        text.Position = 0;
        var parallel = new LogRecomputer(sizes, wanted, keepLeaves: true);

        Assert.Equal(entries, ParallelExportHashing.Run(text, parallel));

        Assert.Equal(sequential.Root(), parallel.Root());
        foreach (var size in sizes)
            Assert.Equal(sequential.Roots[size], parallel.Roots[size]);
        Assert.Equal(sequential.Build(InclusionProof.Plan(entries / 2, entries)), parallel.Build(InclusionProof.Plan(entries / 2, entries)));
        Assert.Equal(sequential.Leaf(entries - 1).ToArray(), parallel.Leaf(entries - 1).ToArray());
    }

    [Fact]
    public void An_export_whose_last_line_is_cut_or_that_holds_an_empty_line_is_refused()
    {
        Assert.Throws<FormatException>(() => ParallelExportHashing.Run(new MemoryStream("{\"a\":1}\n{\"a\":2"u8.ToArray()), new LogRecomputer()));
        Assert.Throws<FormatException>(() => ParallelExportHashing.Run(new MemoryStream("{\"a\":1}\n\n"u8.ToArray()), new LogRecomputer()));
    }
}
