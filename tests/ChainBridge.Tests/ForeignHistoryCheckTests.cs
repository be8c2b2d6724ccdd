using System.Text;
using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Log;

namespace ChainBridge.Tests;

/// <summary>Logs built leaf by leaf as the log writer builds them; the chain's head is one of their heads or another history's.</summary>
public sealed class ForeignHistoryCheckTests
{
    private static readonly Log Ours = Log.Of("ours", 13);

    [Theory]
    [InlineData(1, 13)]
    [InlineData(4, 13)]
    [InlineData(7, 13)]
    [InlineData(8, 9)]
    [InlineData(12, 13)]
    public void A_head_that_extends_the_anchored_one_may_be_anchored(long anchored, long next)
    {
        Assert.Null(Ours.Check(Ours.HeadAt(anchored), next));
    }

    [Fact]
    public void An_empty_chain_accepts_any_log()
    {
        Assert.Null(Ours.Check(new AnchoredHead(0, new byte[32]), 13));
    }

    [Fact]
    public void The_same_head_as_on_chain_matches()
    {
        Assert.Null(Ours.Check(Ours.HeadAt(13), 13));
    }

    [Fact]
    public void A_log_whose_root_at_the_anchored_size_differs_is_a_foreign_history()
    {
        // Same length, one entry rewritten: the roots differ from that entry on.
        var rewritten = Log.Of("ours", 13, rewrite: 2);
        var reason = rewritten.Check(Ours.HeadAt(7), 13);

        Assert.NotNull(reason);
        Assert.Contains("root at tree size 7", reason, StringComparison.Ordinal);
        Assert.Contains("another history", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_built_from_another_history_is_refused_even_when_larger()
    {
        Assert.NotNull(Log.Of("theirs", 40).Check(Ours.HeadAt(13), 40));
    }

    [Fact]
    public void A_chain_head_larger_than_the_log_is_refused()
    {
        var reason = Log.Of("ours", 5).Check(Ours.HeadAt(13), 5);

        Assert.NotNull(reason);
        Assert.Contains("head of 13 entries but the log has only 5", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_head_that_does_not_extend_the_matching_old_one_is_refused()
    {
        // The root at the anchored size matches, but the head about to be anchored belongs to another tree: its
        // consistency proof (from our nodes) cannot lead to it.
        var onChain = Ours.HeadAt(7);
        var foreignHead = new LogHead(13, Log.Of("theirs", 13).RootAt(13), 13);
        var reason = ForeignHistoryCheck.FindMismatch(onChain, foreignHead, Ours.RootAt(7), Ours.Proof(7, 13));

        Assert.NotNull(reason);
        Assert.Contains("not consistent", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nonzero_root_for_an_empty_chain_is_refused()
    {
        var root = new byte[32];
        root[0] = 1;
        Assert.NotNull(Ours.Check(new AnchoredHead(0, root), 13));
    }

    /// <summary>A log's stored nodes, as <see cref="CompactRange"/> completes them.</summary>
    private sealed class Log(Dictionary<NodeId, byte[]> nodes)
    {
        public static Log Of(string history, int size, int rewrite = -1)
        {
            var nodes = new Dictionary<NodeId, byte[]>();
            var range = CompactRange.Empty;
            var completed = new List<LogNode>();
            for (var i = 0; i < size; i++)
            {
                var entry = Encoding.UTF8.GetBytes(i == rewrite ? $"{history} entry {i}, rewritten" : $"{history} entry {i}");
                range = range.Append(LogHasher.HashLeaf(entry), completed);
            }
            foreach (var node in completed)
                nodes[node.Id] = node.Hash;
            return new Log(nodes);
        }

        public byte[] RootAt(long size) => CompactRange.Restore(size, id => nodes.GetValueOrDefault(id)).RootHash();

        public AnchoredHead HeadAt(long size) => new((ulong)size, RootAt(size));

        public byte[][] Proof(long first, long second) => ConsistencyProof.Plan(first, second).Build(id => nodes.GetValueOrDefault(id));

        /// <summary>What the guard decides for this log's head at <paramref name="size"/> over <paramref name="onChain"/>.</summary>
        public string? Check(AnchoredHead onChain, long size)
        {
            var anchored = (long)onChain.TreeSize;
            var known = anchored > 0 && anchored <= size;
            return ForeignHistoryCheck.FindMismatch(onChain, new LogHead(size, RootAt(size), size),
                known ? RootAt(anchored) : null, known ? Proof(anchored, size) : []);
        }
    }
}
