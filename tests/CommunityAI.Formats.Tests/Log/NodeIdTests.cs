using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

public class NodeIdTests
{
    [Fact]
    public void A_node_covers_a_power_of_two_block_of_leaves()
    {
        var node = new NodeId(3, 5);

        Assert.Equal(40, node.FirstLeaf);
        Assert.Equal(48, node.EndLeaf);
        Assert.Equal(8, node.LeafCount);
        Assert.Equal("3/5", node.ToString());
    }

    [Fact]
    public void Nodes_sort_like_a_level_index_storage_key()
    {
        NodeId[] nodes = [new(1, 0), new(0, 7), new(0, 2), new(2, 0)];

        Assert.Equal([new NodeId(0, 2), new NodeId(0, 7), new NodeId(1, 0), new NodeId(2, 0)], nodes.Order());
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(63, 0)]
    [InlineData(0, -1)]
    [InlineData(0, long.MaxValue)]
    [InlineData(62, 1)]
    public void Nodes_that_cannot_exist_in_a_tree_of_at_most_long_MaxValue_leaves_are_refused(int level, long index)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeId(level, index));
    }

    [Fact]
    public void The_last_possible_leaf_and_the_largest_node_exist()
    {
        Assert.Equal(long.MaxValue, NodeId.Leaf(long.MaxValue - 1).EndLeaf);
        Assert.Equal(1L << 62, new NodeId(62, 0).EndLeaf);
    }
}
