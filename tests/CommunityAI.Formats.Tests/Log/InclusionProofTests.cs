using CommunityAI.Formats.Log;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.Formats.Tests.Log;

public class InclusionProofTests
{
    private const int MaxSize = 64;
    private static readonly TestLog Log = TestLog.WithEntries(MaxSize);

    [Fact]
    public void Inclusion_proof_for_every_index_up_to_64_matches_the_reference()
    {
        for (int size = 1; size <= MaxSize; size++)
        {
            for (int index = 0; index < size; index++)
            {
                var plan = InclusionProof.Plan(index, size);
                var proof = plan.Build(Log.LookupAtSize(size));

                var expected = MerkleReference.Path(index, Log.Entries, size);
                Assert.Equal(expected, proof);
                Assert.Equal(expected.Count, plan.ProofLength);
                Assert.Equal(expected.Count, InclusionProof.Length(index, size));
            }
        }
    }

    [Fact]
    public void Inclusion_proof_uses_only_nodes_that_existed_at_that_tree_size()
    {
        // LookupAtSize hides every node completed later, so Build would throw if the plan asked for one.
        for (int size = 1; size <= MaxSize; size++)
            for (int index = 0; index < size; index++)
                Assert.All(InclusionProof.Plan(index, size).NodeIds, id => Assert.True(id.EndLeaf <= size, $"{id} for {index} in {size}"));
    }

    [Property(MaxTest = 500)]
    public Property Inclusion_plan_for_any_tree_size_is_logarithmic_and_inside_the_tree() =>
        Prop.ForAll(LargeTrees.IndexAndSize(), ((long Index, long Size) p) =>
        {
            var plan = InclusionProof.Plan(p.Index, p.Size);
            int height = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(p.Size - 1));
            return plan.ProofLength <= height
                && plan.NodeIds.Count <= 2 * height
                && plan.NodeIds.Distinct().Count() == plan.NodeIds.Count
                && plan.NodeIds.All(id => id.EndLeaf <= p.Size && (id.FirstLeaf > p.Index || id.EndLeaf <= p.Index));
        });

    [Fact]
    public void Build_names_a_node_missing_from_the_store()
    {
        var plan = InclusionProof.Plan(5, 9);

        var error = Assert.Throws<KeyNotFoundException>(() => plan.Build(_ => null));

        Assert.Contains("inclusion proof for index 5 in a tree of 9", error.Message);
    }

    [Theory]
    [InlineData(9, 9)]
    [InlineData(-1, 9)]
    [InlineData(0, 0)]
    public void Plan_rejects_an_index_outside_the_tree(long index, long size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InclusionProof.Plan(index, size));
    }
}
