using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

/// <summary>
/// Every way of damaging a valid proof that an attacker or a bug could produce must be rejected:
/// any single bit flipped anywhere, hashes dropped, added or reordered, and the proof presented for
/// another index or tree size (with that size's true root, as a forged tree head would carry).
/// </summary>
public class ProofMutationTests
{
    private const int MaxSize = 64;
    private static readonly TestLog Log = TestLog.WithEntries(MaxSize + 1);
    private static readonly byte[][] Roots = [.. Enumerable.Range(0, MaxSize + 2).Select(n => Log.ReferenceRoot(Math.Min(n, MaxSize + 1)))];

    // All 256 bits of every hash in trees of up to 16 leaves; beyond that one bit of every byte (a different
    // bit in each byte), which keeps the test to seconds while still touching every byte of every hash.
    private const int ExhaustiveBitsUpTo = 16;

    [Fact]
    public void Every_single_bit_flip_in_an_inclusion_proof_leaf_or_root_is_rejected()
    {
        for (int size = 1; size <= MaxSize; size++)
        {
            for (int index = 0; index < size; index++)
            {
                var proof = MerkleReference.Path(index, Log.Entries, size).ToArray();
                var leaf = Log.LeafHash(index);
                var root = Roots[size];
                foreach (int bit in BitsToFlip(size))
                {
                    for (int element = 0; element < proof.Length; element++)
                        AssertRejected(ProofVerifier.VerifyInclusion(index, size, leaf, WithBitFlipped(proof, element, bit), root), $"proof[{element}] bit {bit}, index {index} in {size}");
                    AssertRejected(ProofVerifier.VerifyInclusion(index, size, Flip(leaf, bit), proof, root), $"leaf bit {bit}, index {index} in {size}");
                    AssertRejected(ProofVerifier.VerifyInclusion(index, size, leaf, proof, Flip(root, bit)), $"root bit {bit}, index {index} in {size}");
                }
            }
        }
    }

    [Fact]
    public void Truncated_extended_or_reordered_inclusion_proofs_are_rejected()
    {
        for (int size = 1; size <= MaxSize; size++)
        {
            for (int index = 0; index < size; index++)
            {
                var proof = MerkleReference.Path(index, Log.Entries, size);
                var leaf = Log.LeafHash(index);
                var root = Roots[size];
                foreach (var (mutant, what) in Mutants(proof, root))
                    AssertRejected(ProofVerifier.VerifyInclusion(index, size, leaf, mutant, root), $"{what}, index {index} in {size}");
            }
        }
    }

    [Fact]
    public void An_inclusion_proof_presented_for_another_index_or_tree_size_is_rejected()
    {
        for (int size = 1; size <= MaxSize; size++)
        {
            for (int index = 0; index < size; index++)
            {
                var proof = MerkleReference.Path(index, Log.Entries, size);
                var leaf = Log.LeafHash(index);
                for (int otherIndex = -1; otherIndex <= size; otherIndex++)
                    if (otherIndex != index)
                        AssertRejected(ProofVerifier.VerifyInclusion(otherIndex, size, leaf, proof, Roots[size]), $"index {otherIndex} instead of {index} in {size}");
                for (int otherSize = 0; otherSize <= MaxSize + 1; otherSize++)
                    if (otherSize != size)
                        AssertRejected(ProofVerifier.VerifyInclusion(index, otherSize, leaf, proof, Roots[otherSize]), $"size {otherSize} instead of {size} for index {index}");
                // Another leaf's hash at this position.
                AssertRejected(ProofVerifier.VerifyInclusion(index, size, Log.LeafHash((index + 1) % (MaxSize + 1)), proof, Roots[size]), $"wrong leaf for index {index} in {size}");
            }
        }
    }

    [Fact]
    public void Every_single_bit_flip_in_a_consistency_proof_or_either_root_is_rejected()
    {
        for (int second = 2; second <= MaxSize; second++)
        {
            for (int first = 1; first < second; first++)
            {
                var proof = MerkleReference.Proof(first, Log.Entries, second).ToArray();
                foreach (int bit in BitsToFlip(second))
                {
                    for (int element = 0; element < proof.Length; element++)
                        AssertRejected(ProofVerifier.VerifyConsistency(first, second, Roots[first], Roots[second], WithBitFlipped(proof, element, bit)), $"proof[{element}] bit {bit}, {first} to {second}");
                    AssertRejected(ProofVerifier.VerifyConsistency(first, second, Flip(Roots[first], bit), Roots[second], proof), $"first root bit {bit}, {first} to {second}");
                    AssertRejected(ProofVerifier.VerifyConsistency(first, second, Roots[first], Flip(Roots[second], bit), proof), $"second root bit {bit}, {first} to {second}");
                }
            }
        }
    }

    [Fact]
    public void Truncated_extended_or_reordered_consistency_proofs_are_rejected()
    {
        for (int second = 2; second <= MaxSize; second++)
        {
            for (int first = 1; first < second; first++)
            {
                var proof = MerkleReference.Proof(first, Log.Entries, second);
                foreach (var (mutant, what) in Mutants(proof, Roots[first]).Concat(Mutants(proof, Roots[second])))
                    AssertRejected(ProofVerifier.VerifyConsistency(first, second, Roots[first], Roots[second], mutant), $"{what}, {first} to {second}");
                AssertRejected(ProofVerifier.VerifyConsistency(first, second, Roots[second], Roots[first], proof), $"swapped roots, {first} to {second}");
            }
        }
    }

    [Fact]
    public void A_consistency_proof_presented_for_other_tree_sizes_is_rejected()
    {
        for (int second = 2; second <= MaxSize; second++)
        {
            for (int first = 1; first < second; first++)
            {
                var proof = MerkleReference.Proof(first, Log.Entries, second);
                for (int otherFirst = 0; otherFirst <= MaxSize + 1; otherFirst++)
                    if (otherFirst != first)
                        AssertRejected(ProofVerifier.VerifyConsistency(otherFirst, second, Roots[otherFirst], Roots[second], proof), $"first {otherFirst} instead of {first}, to {second}");
                for (int otherSecond = 0; otherSecond <= MaxSize + 1; otherSecond++)
                    if (otherSecond != second)
                        AssertRejected(ProofVerifier.VerifyConsistency(first, otherSecond, Roots[first], Roots[otherSecond], proof), $"second {otherSecond} instead of {second}, from {first}");
            }
        }
    }

    private static IEnumerable<int> BitsToFlip(int treeSize) =>
        treeSize <= ExhaustiveBitsUpTo
            ? Enumerable.Range(0, 256)
            : Enumerable.Range(0, 32).Select(b => b * 8 + b % 8);

    private static IEnumerable<(List<byte[]> Proof, string What)> Mutants(List<byte[]> proof, byte[] root)
    {
        for (int i = 0; i < proof.Count; i++)
            yield return ([.. proof[..i], .. proof[(i + 1)..]], $"without proof[{i}]");
        for (int i = 0; i <= proof.Count; i++)
        {
            yield return ([.. proof[..i], root, .. proof[i..]], $"root inserted at {i}");
            yield return ([.. proof[..i], LogHasher.EmptyRoot.ToArray(), .. proof[i..]], $"empty root inserted at {i}");
        }
        for (int i = 0; i < proof.Count; i++)
            yield return ([.. proof[..(i + 1)], proof[i], .. proof[(i + 1)..]], $"proof[{i}] repeated");
        for (int i = 0; i + 1 < proof.Count; i++)
            if (!proof[i].SequenceEqual(proof[i + 1]))
                yield return ([.. proof[..i], proof[i + 1], proof[i], .. proof[(i + 2)..]], $"proof[{i}] and proof[{i + 1}] swapped");
    }

    private static byte[][] WithBitFlipped(byte[][] proof, int element, int bit)
    {
        var copy = (byte[][])proof.Clone();
        copy[element] = Flip(proof[element], bit);
        return copy;
    }

    private static byte[] Flip(byte[] hash, int bit)
    {
        var copy = (byte[])hash.Clone();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private static void AssertRejected(VerificationResult result, string what)
    {
        if (result.IsValid)
            Assert.Fail($"accepted a damaged proof: {what}");
    }
}
