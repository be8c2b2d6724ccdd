using System.Text.Json;
using System.Text.Json.Serialization;
using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

/// <summary>
/// Every inclusion and consistency probe of transparency-dev/merkle's testdata (copied unchanged under
/// vectors/transparency-dev with its Apache-2.0 licence): happy paths, and proofs with bits flipped, components
/// added or removed, sizes and indexes off by one, roots swapped or truncated.
/// </summary>
public class TransparencyDevVectorTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Log", "vectors", "transparency-dev");

    // Equal sizes, an empty proof and equal 12-byte "roots": transparency-dev compares the bytes and accepts. Our
    // verifier first requires every root to be a 32-byte SHA-256 hash (no tree has a 12-byte root), so it refuses,
    // naming the malformed hash. The same case with real roots is valid here (RFC 9162 §2.1.4.2, and the test below).
    private const string DeliberateDeviation = "sizes are equal (one) and proof is empty";

    public static TheoryData<string> InclusionProbes => Files("inclusion");
    public static TheoryData<string> ConsistencyProbes => Files("consistency");

    [Theory]
    [MemberData(nameof(InclusionProbes))]
    public void Inclusion_probe_gets_the_verdict_transparency_dev_expects(string file)
    {
        var p = JsonSerializer.Deserialize<InclusionProbe>(File.ReadAllBytes(Path.Combine(Root, file)))!;

        var result = ProofVerifier.VerifyInclusion(AsLong(p.LeafIdx), AsLong(p.TreeSize), p.LeafHash ?? [], p.Proof ?? [], p.Root ?? []);

        Assert.True(result.IsValid != p.WantErr, $"{p.Desc}: {result.Message}");
    }

    [Theory]
    [MemberData(nameof(ConsistencyProbes))]
    public void Consistency_probe_gets_the_verdict_transparency_dev_expects(string file)
    {
        var p = JsonSerializer.Deserialize<ConsistencyProbe>(File.ReadAllBytes(Path.Combine(Root, file)))!;

        var result = ProofVerifier.VerifyConsistency(AsLong(p.Size1), AsLong(p.Size2), p.Root1 ?? [], p.Root2 ?? [], p.Proof ?? []);

        if (p.Desc == DeliberateDeviation)
            Assert.Equal(ProofFailure.MalformedHash, result.Failure);
        else
            Assert.True(result.IsValid != p.WantErr, $"{p.Desc}: {result.Message}");
    }

    [Fact]
    public void All_probes_are_present()
    {
        Assert.Equal(98, InclusionProbes.Count);
        Assert.Equal(98, ConsistencyProbes.Count);
    }

    [Fact]
    public void Equal_sizes_with_an_empty_proof_and_equal_roots_are_consistent_and_with_any_proof_are_not()
    {
        var log = TestLog.WithEntries(8);
        for (int size = 1; size <= 8; size++)
        {
            var root = log.ReferenceRoot(size);
            Assert.True(ProofVerifier.VerifyConsistency(size, size, root, root, []).IsValid);
            var withProof = ProofVerifier.VerifyConsistency(size, size, root, root, [root]);
            Assert.Equal(ProofFailure.WrongProofLength, withProof.Failure);
            Assert.Equal(ProofFailure.RootMismatch, ProofVerifier.VerifyConsistency(size, size, root, log.ReferenceRoot(size % 8 + 1), []).Failure);
        }
    }

    // Go's probes use uint64; a value past long.MaxValue (2^64 - 1 for "index - 1" at 0) becomes negative here and is refused as out of range.
    private static long AsLong(ulong value) => unchecked((long)value);

    private static TheoryData<string> Files(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Root, kind), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Root, f));
        return data;
    }

    private sealed record InclusionProbe(
        [property: JsonPropertyName("leafIdx")] ulong LeafIdx,
        [property: JsonPropertyName("treeSize")] ulong TreeSize,
        [property: JsonPropertyName("root")] byte[]? Root,
        [property: JsonPropertyName("leafHash")] byte[]? LeafHash,
        [property: JsonPropertyName("proof")] byte[][]? Proof,
        [property: JsonPropertyName("desc")] string Desc,
        [property: JsonPropertyName("wantErr")] bool WantErr);

    private sealed record ConsistencyProbe(
        [property: JsonPropertyName("size1")] ulong Size1,
        [property: JsonPropertyName("size2")] ulong Size2,
        [property: JsonPropertyName("root1")] byte[]? Root1,
        [property: JsonPropertyName("root2")] byte[]? Root2,
        [property: JsonPropertyName("proof")] byte[][]? Proof,
        [property: JsonPropertyName("desc")] string Desc,
        [property: JsonPropertyName("wantErr")] bool WantErr);
}
