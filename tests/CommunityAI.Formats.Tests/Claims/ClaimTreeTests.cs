using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Signing;
using CommunityAI.Formats.Tests.Signing;
using Xunit.Abstractions;

namespace CommunityAI.Formats.Tests.Claims;

public class ClaimTreeTests(ITestOutputHelper output)
{
    private static readonly BigInteger MaxUint256 = BigInteger.Pow(2, 256) - 1;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Root_and_every_proof_match_openzeppelin_merkle_tree(int size)
    {
        var claims = Claims(size);
        var tree = ClaimTree.Build(claims);

        var input = JsonSerializer.Serialize(claims.Select(c => new[] { c.Address, c.Amount.ToString() }));
        var json = NodeReference.Run(
            output, "tests/CommunityAI.Formats.Tests/Claims/claim-tree.mjs", input, "@openzeppelin/merkle-tree");
        if (json is not null)
        {
            var reference = JsonSerializer.Deserialize<ReferenceTree>(json, JsonSerializerOptions.Web)!;
            Assert.Equal(reference.Root, tree.Root);
            for (var i = 0; i < claims.Count; i++)
                Assert.Equal(reference.Proofs[i], tree.GetProof(claims[i].Address));
        }

        foreach (var (address, amount) in claims)
        {
            Assert.Equal(amount, tree.GetAmount(address));
            Assert.True(ClaimTree.Verify(tree.Root, address, amount, tree.GetProof(address)));
        }
    }

    [Fact]
    public void A_single_claim_tree_has_the_leaf_as_root_and_an_empty_proof()
    {
        var (address, amount) = Claims(1)[0];
        var tree = ClaimTree.Build([(address, amount)]);
        Assert.Equal(ClaimTree.LeafHash(address, amount), tree.Root);
        Assert.Empty(tree.GetProof(address));
    }

    [Fact]
    public void A_proof_does_not_verify_a_different_amount_address_or_root()
    {
        var claims = Claims(7);
        var tree = ClaimTree.Build(claims);
        var (address, amount) = claims[3];
        var proof = tree.GetProof(address);

        Assert.False(ClaimTree.Verify(tree.Root, address, amount + 1, proof));
        Assert.False(ClaimTree.Verify(tree.Root, claims[4].Address, amount, proof));
        Assert.False(ClaimTree.Verify(ClaimTree.LeafHash(address, amount), address, amount, proof));
        Assert.False(ClaimTree.Verify(tree.Root, address, amount, proof.Skip(1)));
        Assert.False(ClaimTree.Verify(tree.Root, address, amount, [.. proof, proof[0]]));
    }

    [Fact]
    public void Address_case_does_not_matter_for_lookup_or_proof()
    {
        var claims = Claims(7);
        var tree = ClaimTree.Build(claims);
        var (address, amount) = claims[2];
        var lower = address.ToLowerInvariant();
        Assert.True(tree.Contains(lower));
        Assert.Equal(tree.GetProof(address), tree.GetProof(lower));
        Assert.True(ClaimTree.Verify(tree.Root, lower, amount, tree.GetProof(lower)));
    }

    [Fact]
    public void Input_order_does_not_change_the_tree()
    {
        var claims = Claims(64);
        var reversed = Enumerable.Reverse(claims).ToList();
        Assert.Equal(ClaimTree.Build(claims).Root, ClaimTree.Build(reversed).Root);
    }

    [Fact]
    public void Asking_for_an_address_without_a_claim_says_so()
    {
        var tree = ClaimTree.Build(Claims(3));
        Assert.False(tree.Contains(Address.Zero));
        Assert.Throws<KeyNotFoundException>(() => tree.GetProof(Address.Zero));
        Assert.Throws<ArgumentException>(() => tree.GetProof("0x1234"));
    }

    public static TheoryData<string, string, string> HostileClaims() => new()
    {
        // why, address, amount
        { "negative amount", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "-1" },
        { "amount of 2^256", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", BigInteger.Pow(2, 256).ToString() },
        { "bad checksum", "0x70997970c51812dc3A010C7d01b50e0d17dc79C8", "1" },
        { "short address", "0x70997970C51812dc3A010C7d01b50e0d17dc79", "1" },
        { "no prefix", "70997970C51812dc3A010C7d01b50e0d17dc79C8", "1" },
        { "10k-character address", "0x" + new string('a', 10_000), "1" },
        { "control characters", "0x\0\n70997970C51812dc3A010C7d01b50e0d17dc79", "1" },
        { "empty address", "", "1" },
    };

    [Theory, MemberData(nameof(HostileClaims))]
    public void Hostile_claims_are_rejected_naming_the_claim(string why, string address, string amount)
    {
        var claims = Claims(5);
        claims.Insert(3, (address, BigInteger.Parse(amount)));
        var e = Assert.Throws<ArgumentException>(() => ClaimTree.Build(claims));
        Assert.True(e.Message.StartsWith("claim 3:", StringComparison.Ordinal), $"{why}: {e.Message}");
        Assert.True(e.Message.Length < 200, $"{why}: the message should not echo hostile input");
    }

    [Fact]
    public void The_same_address_twice_in_different_case_is_rejected()
    {
        var claims = Claims(5);
        claims.Add((claims[1].Address.ToLowerInvariant(), 5));
        var e = Assert.Throws<ArgumentException>(() => ClaimTree.Build(claims));
        Assert.Contains("more than once", e.Message);
    }

    [Fact]
    public void A_null_address_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ClaimTree.Build([(null!, BigInteger.One)]));
    }

    [Fact]
    public void An_empty_tree_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ClaimTree.Build([]));
    }

    [Fact]
    public void Verify_rejects_malformed_arguments()
    {
        var claims = Claims(3);
        var tree = ClaimTree.Build(claims);
        var (address, amount) = claims[0];
        var proof = tree.GetProof(address);
        Assert.Throws<ArgumentException>(() => ClaimTree.Verify("0x1234", address, amount, proof));
        Assert.Throws<ArgumentException>(() => ClaimTree.Verify(tree.Root, "0x1234", amount, proof));
        Assert.Throws<ArgumentException>(() => ClaimTree.Verify(tree.Root, address, -1, proof));
        Assert.Throws<ArgumentException>(() => ClaimTree.Verify(tree.Root, address, amount, ["0xzz"]));
    }

    // Deterministic addresses spelled in all three accepted ways, and amounts that include 0, 1 and 2^256 - 1.
    private static List<(string Address, BigInteger Amount)> Claims(int count)
    {
        var random = new Random(count);
        var edges = new[] { BigInteger.Zero, BigInteger.One, MaxUint256 };
        var claims = new List<(string, BigInteger)>(count);
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[20];
            random.NextBytes(bytes);
            var checksummed = Address.Format(bytes);
            var address = (i % 3) switch
            {
                0 => checksummed,
                1 => checksummed.ToLowerInvariant(),
                _ => "0x" + checksummed[2..].ToUpperInvariant(),
            };
            var amountBytes = new byte[1 + random.Next(32)];
            random.NextBytes(amountBytes);
            var amount = i < edges.Length ? edges[i] : new BigInteger(amountBytes, isUnsigned: true, isBigEndian: true);
            claims.Add((address, amount));
        }
        return claims;
    }

    private sealed record ReferenceTree(string Root, IReadOnlyList<IReadOnlyList<string>> Proofs);
}
