using System.Text.Json;
using CommunityAI.Formats.Merkle;
using CommunityAI.Formats.Tests.Signing;
using Xunit.Abstractions;

namespace CommunityAI.Formats.Tests.Merkle;

/// <summary>Our multiproofs against @openzeppelin/merkle-tree's getMultiProof and verifyMultiProof, run by node.</summary>
public class MultiProofTests(ITestOutputHelper output)
{
    private sealed record ReferenceProof(List<List<string>> Leaves, List<string> Proof, List<bool> ProofFlags);

    private sealed record Reference(string Root, List<ReferenceProof> Multiproofs, List<bool> Verified);

    /// <summary>A StandardMerkleTree over <c>["bytes32","bytes32"]</c> values, built the way the library builds it.</summary>
    private sealed class Tree
    {
        public Tree(int size, int seed)
        {
            var random = new Random(seed);
            Values = Enumerable.Range(0, size).Select(_ => new[] { Bytes32(random), Bytes32(random) }).ToArray();
            var hashes = Values.Select(LeafHash).ToArray();
            var sorted = Enumerable.Range(0, size).OrderBy(i => hashes[i], Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToArray();
            Nodes = StandardTreeLayout.Build(sorted.Select(i => hashes[i]).ToArray());
            TreeIndexOfValue = new int[size];
            for (var p = 0; p < size; p++)
                TreeIndexOfValue[sorted[p]] = StandardTreeLayout.LeafIndex(Nodes.Length, p);
        }

        public string[][] Values { get; }
        public byte[][] Nodes { get; }
        public int[] TreeIndexOfValue { get; }

        public MultiProof Of(IEnumerable<int> valueIndices) => MultiProof.Of(Nodes, valueIndices.Select(v => TreeIndexOfValue[v]));

        /// <summary>The values behind a proof's leaves, in the proof's order.</summary>
        public List<List<string>> ValuesOf(MultiProof proof) =>
            proof.Leaves.Select(l => Values[Array.FindIndex(Values, v => LeafHash(v).AsSpan().SequenceEqual(l))].ToList()).ToList();

        private static string Bytes32(Random random)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return Hex.Encode(bytes);
        }
    }

    // keccak256(keccak256(abi.encode(bytes32, bytes32))): two static words are their concatenation.
    private static byte[] LeafHash(string[] value)
    {
        var encoded = Hex.Decode(value[0], 32).Concat(Hex.Decode(value[1], 32)).ToArray();
        var keccak = Nethereum.Util.Sha3Keccack.Current;
        return keccak.CalculateHash(keccak.CalculateHash(encoded));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(100)]
    public void Multiproofs_match_openzeppelin_and_its_verifier_accepts_ours(int size)
    {
        var tree = new Tree(size, seed: size);
        var random = new Random(size * 31);
        var subsets = new List<int[]>
        {
            Enumerable.Range(0, size).ToArray(),                          // every leaf
            Enumerable.Range(0, size).Reverse().ToArray(),               // every leaf, the other way round
            new[] { 0 },                                                 // one leaf
            new[] { size - 1 },
            Array.Empty<int>(),                                          // none: the library's proof is the root itself
            Enumerable.Range(0, size).OrderBy(_ => random.Next()).Take(Math.Max(1, size / 3)).ToArray(), // out of order
            Enumerable.Range(0, size).Where(i => i % 2 == 1).OrderBy(_ => random.Next()).ToArray(),
        };
        var ours = subsets.Select(tree.Of).ToList();
        var root = Hex.Encode(tree.Nodes[0]);

        foreach (var proof in ours)
            Assert.True(proof.Verifies(tree.Nodes[0]), "our multiproof does not lead to our root");

        var input = JsonSerializer.Serialize(new
        {
            values = tree.Values,
            subsets,
            ours = ours.Select(p => new { leaves = tree.ValuesOf(p), proof = p.Proof.Select(h => Hex.Encode(h)), proofFlags = p.ProofFlags }),
        });
        var json = NodeReference.Run(output, "tests/CommunityAI.Formats.Tests/Merkle/multiproof.mjs", input, "@openzeppelin/merkle-tree");
        if (json is null)
            return;
        var reference = JsonSerializer.Deserialize<Reference>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(reference.Root, root);
        for (var s = 0; s < subsets.Count; s++)
        {
            Assert.Equal(reference.Multiproofs[s].Leaves, tree.ValuesOf(ours[s]));
            Assert.Equal(reference.Multiproofs[s].Proof, ours[s].Proof.Select(h => Hex.Encode(h)).ToList());
            Assert.Equal(reference.Multiproofs[s].ProofFlags, ours[s].ProofFlags.ToList());
            Assert.True(reference.Verified[s], $"OpenZeppelin's verifyMultiProof refused our multiproof of subset {s}");
        }
    }

    [Fact]
    public void Openzeppelin_refuses_a_tampered_multiproof_and_so_do_we()
    {
        var tree = new Tree(9, seed: 9);
        var genuine = tree.Of([1, 4, 7]);
        var values = tree.ValuesOf(genuine);
        var other = tree.Values[0].ToList();
        var changed = values.Select((v, i) => i == 0 ? [v[0], other[1]] : v).ToList();          // another content hash
        var outsider = values.Select((v, i) => i == 0 ? other : v).ToList();                  // a member not proven
        (List<List<string>> Values, MultiProof Proof)[] forged =
        [
            (values, genuine with { ProofFlags = genuine.ProofFlags.Select((f, i) => i == 0 ? !f : f).ToArray() }),
            (values, genuine with { Proof = genuine.Proof.Skip(1).ToArray() }),
            (changed, genuine with { Leaves = changed.Select(v => LeafHash([.. v])).ToArray() }),
            (outsider, genuine with { Leaves = outsider.Select(v => LeafHash([.. v])).ToArray() }),
        ];

        Assert.True(genuine.Verifies(tree.Nodes[0]));
        Assert.All(forged, f => Assert.False(f.Proof.Verifies(tree.Nodes[0])));

        var input = JsonSerializer.Serialize(new
        {
            values = tree.Values,
            subsets = Array.Empty<int[]>(),
            ours = forged.Select(f => new { leaves = f.Values, proof = f.Proof.Proof.Select(h => Hex.Encode(h)), proofFlags = f.Proof.ProofFlags }),
        });
        var json = NodeReference.Run(output, "tests/CommunityAI.Formats.Tests/Merkle/multiproof.mjs", input, "@openzeppelin/merkle-tree");
        if (json is not null)
            Assert.Equal([false, false, false, false], JsonSerializer.Deserialize<Reference>(json, JsonSerializerOptions.Web)!.Verified);
    }

    [Fact]
    public void A_leaf_listed_twice_or_a_node_that_is_not_a_leaf_is_refused()
    {
        var tree = new Tree(5, seed: 5);
        Assert.Throws<ArgumentException>(() => tree.Of([2, 3, 2]));
        Assert.Throws<ArgumentException>(() => MultiProof.Of(tree.Nodes, [0]));
        Assert.Throws<ArgumentException>(() => MultiProof.Of(tree.Nodes, [tree.Nodes.Length]));
    }

    [Fact]
    public void A_multiproof_of_one_leaf_is_its_single_proof_and_a_one_leaf_tree_needs_no_proof()
    {
        var tree = new Tree(6, seed: 6);
        var leaf = tree.TreeIndexOfValue[3];
        var single = new List<byte[]>();
        for (var i = leaf; i > 0; i = (i - 1) / 2)
            single.Add(tree.Nodes[i % 2 == 1 ? i + 1 : i - 1]);
        var proof = tree.Of([3]);
        Assert.Equal(single, proof.Proof);
        Assert.All(proof.ProofFlags, Assert.False);

        var lone = new Tree(1, seed: 1).Of([0]);
        Assert.Empty(lone.Proof);
        Assert.Empty(lone.ProofFlags);
    }
}
