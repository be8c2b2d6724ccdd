namespace CommunityAI.Formats.Log;

/// <summary>
/// Checks inclusion and consistency proofs exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 describe. Bad
/// input of any kind is answered with a <see cref="VerificationResult"/> saying what failed, never
/// with an exception, because proofs come from parties the verifier does not trust.
/// </summary>
public static class ProofVerifier
{
    /// <summary>Checks that the leaf with hash <paramref name="leafHash"/> is at <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves whose root is <paramref name="rootHash"/>.</summary>
    /// <param name="leafIndex">The claimed position of the leaf.</param>
    /// <param name="treeSize">The size of the tree the root belongs to.</param>
    /// <param name="leafHash">The 32-byte leaf hash, SHA-256(0x00 ‖ entry).</param>
    /// <param name="auditPath">The inclusion proof, leaf side first.</param>
    /// <param name="rootHash">The 32-byte root hash of the tree (from a signed or anchored tree head).</param>
    /// <returns>Valid, or what failed.</returns>
    public static VerificationResult VerifyInclusion(
        long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]>? auditPath, ReadOnlySpan<byte> rootHash)
    {
        if (treeSize < 0)
            return Fail(ProofFailure.OutOfRange, $"tree size {treeSize} is negative");
        if (leafIndex < 0 || leafIndex >= treeSize)
            return Fail(ProofFailure.OutOfRange, $"index {leafIndex} out of range for tree size {treeSize}");
        if (CheckHash(leafHash, "leaf hash") is { } badLeaf)
            return badLeaf;
        if (CheckHash(rootHash, "root hash") is { } badRoot)
            return badRoot;
        if (CheckProof(auditPath) is { } badProof)
            return badProof;
        int expected = InclusionProof.Length(leafIndex, treeSize);
        if (auditPath!.Count != expected)
            return Fail(ProofFailure.WrongProofLength, $"proof has {auditPath.Count} hashes, expected {expected} for index {leafIndex} in a tree of {treeSize}");

        // RFC 9162 §2.1.3.2, step by step. The length check above makes the sn checks unreachable for
        // well-formed input; they stay so that this reads as the RFC does.
        long fn = leafIndex, sn = treeSize - 1;
        Span<byte> r = stackalloc byte[LogHasher.HashSize];
        leafHash.CopyTo(r);
        foreach (var p in auditPath)
        {
            if (sn == 0)
                return Fail(ProofFailure.WrongProofLength, $"proof is longer than the path from index {leafIndex} to the root of a tree of {treeSize}");
            if ((fn & 1) == 1 || fn == sn)
            {
                LogHasher.HashChildren(p, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                LogHasher.HashChildren(r, p, r);
            }
            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
            return Fail(ProofFailure.WrongProofLength, $"proof is shorter than the path from index {leafIndex} to the root of a tree of {treeSize}");
        return r.SequenceEqual(rootHash)
            ? VerificationResult.Valid
            : Fail(ProofFailure.RootMismatch, $"computed root {Hex.Encode(r)} differs from {Hex.Encode(rootHash)}");
    }

    /// <summary>Checks that the tree of <paramref name="second"/> leaves with root <paramref name="secondRoot"/> extends the tree of <paramref name="first"/> leaves with root <paramref name="firstRoot"/>.</summary>
    /// <param name="first">The older tree size.</param>
    /// <param name="second">The newer tree size.</param>
    /// <param name="firstRoot">The 32-byte root hash of the older tree.</param>
    /// <param name="secondRoot">The 32-byte root hash of the newer tree.</param>
    /// <param name="proof">The consistency proof; empty when first is 0 or equals second.</param>
    /// <returns>Valid, or what failed.</returns>
    public static VerificationResult VerifyConsistency(
        long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]>? proof)
    {
        if (first < 0 || second < 0)
            return Fail(ProofFailure.OutOfRange, $"tree sizes {first} and {second} cannot be negative");
        if (first > second)
            return Fail(ProofFailure.OutOfRange, $"first tree size {first} is larger than second tree size {second}");
        if (CheckHash(firstRoot, "first root hash") is { } badFirst)
            return badFirst;
        if (CheckHash(secondRoot, "second root hash") is { } badSecond)
            return badSecond;
        if (CheckProof(proof) is { } badProof)
            return badProof;
        int expected = ConsistencyProof.Length(first, second);
        if (proof!.Count != expected)
            return Fail(ProofFailure.WrongProofLength, $"proof has {proof.Count} hashes, expected {expected} between tree sizes {first} and {second}");

        // RFC 9162 defines proofs for 0 < first < second only; the two edges are settled by the roots alone.
        if (first == 0)
        {
            return firstRoot.SequenceEqual(LogHasher.EmptyRoot)
                ? VerificationResult.Valid
                : Fail(ProofFailure.RootMismatch, $"first root {Hex.Encode(firstRoot)} is not the empty tree's root {Hex.Encode(LogHasher.EmptyRoot)}");
        }
        if (first == second)
        {
            return firstRoot.SequenceEqual(secondRoot)
                ? VerificationResult.Valid
                : Fail(ProofFailure.RootMismatch, $"roots {Hex.Encode(firstRoot)} and {Hex.Encode(secondRoot)} differ for the same tree size {first}");
        }

        // RFC 9162 §2.1.4.2, step by step. Step 2 prepends first_hash when first is a power of two;
        // the loop below starts from that hash instead of copying the list.
        bool prepend = (first & (first - 1)) == 0;
        long fn = first - 1, sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[LogHasher.HashSize];
        Span<byte> sr = stackalloc byte[LogHasher.HashSize];
        var seed = prepend ? firstRoot : proof[0];
        seed.CopyTo(fr);
        seed.CopyTo(sr);
        for (int i = prepend ? 0 : 1; i < proof.Count; i++)
        {
            var c = proof[i];
            if (sn == 0)
                return Fail(ProofFailure.WrongProofLength, $"proof is longer than tree sizes {first} and {second} allow");
            if ((fn & 1) == 1 || fn == sn)
            {
                LogHasher.HashChildren(c, fr, fr);
                LogHasher.HashChildren(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                LogHasher.HashChildren(sr, c, sr);
            }
            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
            return Fail(ProofFailure.WrongProofLength, $"proof is shorter than tree sizes {first} and {second} require");
        if (!fr.SequenceEqual(firstRoot))
            return Fail(ProofFailure.RootMismatch, $"computed first root {Hex.Encode(fr)} differs from {Hex.Encode(firstRoot)}");
        if (!sr.SequenceEqual(secondRoot))
            return Fail(ProofFailure.RootMismatch, $"computed second root {Hex.Encode(sr)} differs from {Hex.Encode(secondRoot)}");
        return VerificationResult.Valid;
    }

    private static VerificationResult? CheckHash(ReadOnlySpan<byte> hash, string what) =>
        hash.Length == LogHasher.HashSize
            ? null
            : Fail(ProofFailure.MalformedHash, $"{what} has {hash.Length} bytes, expected {LogHasher.HashSize}");

    private static VerificationResult? CheckProof(IReadOnlyList<byte[]>? proof)
    {
        if (proof is null)
            return Fail(ProofFailure.MalformedHash, "proof is missing");
        for (int i = 0; i < proof.Count; i++)
        {
            if (proof[i] is null)
                return Fail(ProofFailure.MalformedHash, $"proof[{i}] is missing");
            if (proof[i].Length != LogHasher.HashSize)
                return Fail(ProofFailure.MalformedHash, $"proof[{i}] has {proof[i].Length} bytes, expected {LogHasher.HashSize}");
        }
        return null;
    }

    private static VerificationResult Fail(ProofFailure failure, string message) => VerificationResult.Fail(failure, message);
}
