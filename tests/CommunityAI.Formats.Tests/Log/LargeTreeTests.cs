using CommunityAI.Formats.Log;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.Formats.Tests.Log;

public class LargeTreeTests
{
    [Property(MaxTest = 300)]
    public Property Inclusion_proofs_verify_in_trees_of_up_to_long_MaxValue_leaves() =>
        Prop.ForAll(LargeTrees.IndexAndSize(), ((long Index, long Size) p) =>
        {
            var proof = InclusionProof.Plan(p.Index, p.Size).Build(LargeTrees.Lookup);
            var result = ProofVerifier.VerifyInclusion(p.Index, p.Size, LargeTrees.Lookup(NodeId.Leaf(0)), proof, LargeTrees.Root(p.Size));
            return result.IsValid.Label(result.Message);
        });

    [Property(MaxTest = 300)]
    public Property Consistency_proofs_verify_between_trees_of_up_to_long_MaxValue_leaves() =>
        Prop.ForAll(LargeTrees.IndexAndSize(), ((long First, long Second) p) =>
        {
            var proof = ConsistencyProof.Plan(p.First, p.Second).Build(LargeTrees.Lookup);
            var result = ProofVerifier.VerifyConsistency(p.First, p.Second, LargeTrees.Root(p.First), LargeTrees.Root(p.Second), proof);
            return result.IsValid.Label(result.Message);
        });

    [Fact]
    public void The_last_leaf_of_the_largest_possible_tree_has_a_proof()
    {
        const long size = long.MaxValue;
        var plan = InclusionProof.Plan(size - 1, size);
        var proof = plan.Build(LargeTrees.Lookup);

        Assert.Equal(62, proof.Length);
        Assert.True(ProofVerifier.VerifyInclusion(size - 1, size, LargeTrees.Lookup(NodeId.Leaf(0)), proof, LargeTrees.Root(size)).IsValid);
    }

    [Fact]
    public void A_range_of_the_largest_possible_tree_can_be_restored_but_not_appended_to()
    {
        var range = CompactRange.Restore(long.MaxValue, LargeTrees.Lookup);

        Assert.Equal(LargeTrees.Root(long.MaxValue), range.RootHash());
        Assert.Throws<InvalidOperationException>(() => range.Append(new byte[32]));
    }
}
