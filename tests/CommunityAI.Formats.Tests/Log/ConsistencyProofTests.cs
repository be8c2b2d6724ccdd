using CommunityAI.Formats.Log;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.Formats.Tests.Log;

public class ConsistencyProofTests
{
    private const int MaxSize = 64;
    private static readonly TestLog Log = TestLog.WithEntries(MaxSize);

    [Fact]
    public void Consistency_proof_for_every_pair_of_sizes_up_to_64_matches_the_reference()
    {
        for (int second = 1; second <= MaxSize; second++)
        {
            for (int first = 1; first <= second; first++)
            {
                var plan = ConsistencyProof.Plan(first, second);
                var proof = plan.Build(Log.LookupAtSize(second));

                var expected = MerkleReference.Proof(first, Log.Entries, second);
                Assert.Equal(expected, proof);
                Assert.Equal(expected.Count, plan.ProofLength);
                Assert.Equal(expected.Count, ConsistencyProof.Length(first, second));
            }
        }
    }

    [Fact]
    public void Consistency_from_the_empty_tree_needs_no_proof()
    {
        Assert.Empty(ConsistencyProof.Plan(0, 10).NodeIds);
        Assert.Empty(ConsistencyProof.Plan(0, 0).Build(_ => null));
    }

    [Property(MaxTest = 500)]
    public Property Consistency_plan_for_any_sizes_is_logarithmic_and_inside_the_newer_tree() =>
        Prop.ForAll(LargeTrees.IndexAndSize(), ((long First, long Second) p) =>
        {
            var plan = ConsistencyProof.Plan(p.First, p.Second);
            int height = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(p.Second - 1));
            return plan.ProofLength <= height + 1
                && plan.NodeIds.Count <= 2 * height + 1
                && plan.NodeIds.Distinct().Count() == plan.NodeIds.Count
                && plan.NodeIds.All(id => id.EndLeaf <= p.Second);
        });

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(6, 5)]
    public void Plan_rejects_sizes_out_of_order(long first, long second)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsistencyProof.Plan(first, second));
    }
}
