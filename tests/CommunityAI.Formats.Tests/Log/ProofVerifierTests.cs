using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

public class ProofVerifierTests
{
    private const int MaxSize = 64;
    private static readonly TestLog Log = TestLog.WithEntries(MaxSize);
    private static readonly byte[] SomeHash = Hex.Decode("0xabacaba000000000000000000000000000000000000000000060061e00123456");

    [Fact]
    public void Reference_inclusion_proofs_for_every_index_up_to_64_verify()
    {
        for (int size = 1; size <= MaxSize; size++)
        {
            var root = Log.ReferenceRoot(size);
            for (int index = 0; index < size; index++)
            {
                var result = ProofVerifier.VerifyInclusion(index, size, Log.LeafHash(index), MerkleReference.Path(index, Log.Entries, size), root);
                Assert.True(result.IsValid, $"index {index} in {size}: {result.Message}");
            }
        }
    }

    [Fact]
    public void Reference_consistency_proofs_for_every_pair_of_sizes_up_to_64_verify()
    {
        for (int second = 1; second <= MaxSize; second++)
        {
            for (int first = 1; first <= second; first++)
            {
                var result = ProofVerifier.VerifyConsistency(first, second, Log.ReferenceRoot(first), Log.ReferenceRoot(second), MerkleReference.Proof(first, Log.Entries, second));
                Assert.True(result.IsValid, $"{first} to {second}: {result.Message}");
            }
        }
    }

    [Fact]
    public void A_proof_of_the_wrong_length_is_reported_with_the_expected_length()
    {
        var proof = MerkleReference.Path(5, Log.Entries, 9).Take(3).ToList();

        var result = ProofVerifier.VerifyInclusion(5, 9, Log.LeafHash(5), proof, Log.ReferenceRoot(9));

        Assert.Equal(ProofFailure.WrongProofLength, result.Failure);
        Assert.Equal("proof has 3 hashes, expected 4 for index 5 in a tree of 9", result.Message);
    }

    [Fact]
    public void An_index_past_the_tree_is_reported_as_out_of_range()
    {
        var result = ProofVerifier.VerifyInclusion(9, 9, Log.LeafHash(0), [], Log.ReferenceRoot(9));

        Assert.Equal(ProofFailure.OutOfRange, result.Failure);
        Assert.Equal("index 9 out of range for tree size 9", result.Message);
    }

    [Fact]
    public void A_wrong_root_is_reported_with_both_hashes()
    {
        var proof = MerkleReference.Path(5, Log.Entries, 9);

        var result = ProofVerifier.VerifyInclusion(5, 9, Log.LeafHash(5), proof, SomeHash);

        Assert.Equal(ProofFailure.RootMismatch, result.Failure);
        Assert.Equal($"computed root {Hex.Encode(Log.ReferenceRoot(9))} differs from {Hex.Encode(SomeHash)}", result.Message);
    }

    [Fact]
    public void A_short_proof_hash_is_reported_by_position()
    {
        var proof = MerkleReference.Path(5, Log.Entries, 9);
        proof[2] = proof[2][..31];

        var result = ProofVerifier.VerifyInclusion(5, 9, Log.LeafHash(5), proof, Log.ReferenceRoot(9));

        Assert.Equal(ProofFailure.MalformedHash, result.Failure);
        Assert.Equal("proof[2] has 31 bytes, expected 32", result.Message);
    }

    [Fact]
    public void Missing_or_null_proofs_are_failures_not_exceptions()
    {
        Assert.Equal("proof is missing", ProofVerifier.VerifyInclusion(0, 1, Log.LeafHash(0), null, Log.LeafHash(0)).Message);
        Assert.Equal("proof[0] is missing", ProofVerifier.VerifyConsistency(1, 2, Log.ReferenceRoot(1), Log.ReferenceRoot(2), [null!]).Message);
    }

    [Fact]
    public void A_wrong_second_root_in_a_consistency_proof_is_reported_as_such()
    {
        var proof = MerkleReference.Proof(3, Log.Entries, 7);

        var result = ProofVerifier.VerifyConsistency(3, 7, Log.ReferenceRoot(3), SomeHash, proof);

        Assert.Equal(ProofFailure.RootMismatch, result.Failure);
        Assert.StartsWith("computed second root 0x", result.Message);
    }

    [Fact]
    public void A_consistency_proof_of_the_wrong_length_is_reported_with_the_expected_length()
    {
        var result = ProofVerifier.VerifyConsistency(3, 7, Log.ReferenceRoot(3), Log.ReferenceRoot(7), []);

        Assert.Equal("proof has 0 hashes, expected 4 between tree sizes 3 and 7", result.Message);
    }

    [Fact]
    public void A_tree_cannot_shrink()
    {
        var result = ProofVerifier.VerifyConsistency(8, 7, Log.ReferenceRoot(8), Log.ReferenceRoot(7), []);

        Assert.Equal(ProofFailure.OutOfRange, result.Failure);
        Assert.Equal("first tree size 8 is larger than second tree size 7", result.Message);
    }

    // The edge cases of transparency-dev/merkle's TestVerifyConsistency, adapted: tree heads of equal
    // size must have equal roots, and the empty tree's root is SHA-256 of nothing.
    [Theory]
    [InlineData(0, 0, "empty", "empty", 0, true)]
    [InlineData(0, 5, "empty", "root5", 0, true)]
    [InlineData(5, 5, "root5", "root5", 0, true)]
    [InlineData(0, 5, "some", "root5", 0, false)]
    [InlineData(5, 5, "root5", "some", 0, false)]
    [InlineData(0, 0, "empty", "empty", 1, false)]
    [InlineData(0, 5, "empty", "root5", 1, false)]
    [InlineData(5, 5, "root5", "root5", 1, false)]
    [InlineData(1, 2, "root1", "root2", 0, false)]
    [InlineData(1, 0, "root1", "empty", 0, false)]
    public void Trivial_consistency_cases_need_an_empty_proof_and_matching_roots(long first, long second, string firstRoot, string secondRoot, int proofLength, bool valid)
    {
        byte[] Root(string name) => name switch
        {
            "empty" => LogHasher.EmptyRoot.ToArray(),
            "some" => SomeHash,
            _ => Log.ReferenceRoot(int.Parse(name[4..], System.Globalization.CultureInfo.InvariantCulture)),
        };
        var proof = Enumerable.Repeat(LogHasher.EmptyRoot.ToArray(), proofLength).ToList();

        var result = ProofVerifier.VerifyConsistency(first, second, Root(firstRoot), Root(secondRoot), proof);

        Assert.True(valid == result.IsValid, result.Message);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, -1)]
    [InlineData(-1, 5)]
    [InlineData(2, 1)]
    public void Inclusion_with_an_index_outside_the_tree_is_rejected(long index, long size)
    {
        var result = ProofVerifier.VerifyInclusion(index, size, SomeHash, [], LogHasher.EmptyRoot);

        Assert.Equal(ProofFailure.OutOfRange, result.Failure);
    }

    [Fact]
    public void Hashes_of_the_wrong_length_are_rejected_before_any_hashing()
    {
        Assert.Equal("leaf hash has 0 bytes, expected 32", ProofVerifier.VerifyInclusion(0, 1, [], [], Log.LeafHash(0)).Message);
        Assert.Equal("root hash has 0 bytes, expected 32", ProofVerifier.VerifyInclusion(0, 1, Log.LeafHash(0), [], []).Message);
        Assert.Equal("first root hash has 12 bytes, expected 32", ProofVerifier.VerifyConsistency(1, 1, "don't care 1"u8, "don't care 2"u8, []).Message);
    }
}
