using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Datasets;
using CommunityAI.Formats;
using CommunityAI.Testing;

namespace Contributions.Tests.Datasets;

/// <summary>Our dataset tree against @openzeppelin/merkle-tree itself, run by node from the repository's node_modules.</summary>
public class StandardMerkleTreeTests
{
    private sealed record Reference(string Root, List<List<string>> Proofs, List<bool> Verified);

    private static List<DatasetMember> Members(int count) => Enumerable.Range(0, count)
        .Select(i => new DatasetMember(Hex.Encode(RandomNumberGenerator.GetBytes(32)), Hex.Encode(SHA256.HashData(BitConverter.GetBytes(i)))))
        .ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    public void Root_and_every_proof_match_openzeppelin_and_its_verifier_accepts_ours(int size)
    {
        var members = Members(size);
        var tree = new StandardMerkleTree(members);
        var proofs = members.Select(m => tree.Proof(m.ContributionId)!).ToList();

        var reference = RunReference(members, tree.Root, proofs);

        Assert.Equal(reference.Root, tree.Root);
        for (var i = 0; i < size; i++)
        {
            Assert.Equal(reference.Proofs[i], proofs[i]);
            Assert.True(reference.Verified[i], $"OpenZeppelin's verifier refused our proof {i}");
            Assert.Equal(tree.Root, StandardMerkleTree.ProcessProof(tree.Leaf(members[i].ContributionId)!, proofs[i]));
        }
    }

    [Fact]
    public void A_proof_leads_elsewhere_for_another_content_hash_and_a_non_member_has_none()
    {
        var members = Members(5);
        var tree = new StandardMerkleTree(members);
        var forged = StandardMerkleTree.LeafHash(members[2] with { ContentHash = members[3].ContentHash });
        Assert.NotEqual(tree.Root, StandardMerkleTree.ProcessProof(Hex.Encode(forged), tree.Proof(members[2].ContributionId)!));
        Assert.Null(tree.Proof(Hex.Encode(new byte[32])));
    }

    [Fact]
    public void An_empty_or_repeated_member_list_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new StandardMerkleTree([]));
        var one = Members(1)[0];
        Assert.Throws<ArgumentException>(() => new StandardMerkleTree([one, one]));
    }

    private static Reference RunReference(List<DatasetMember> members, string root, List<IReadOnlyList<string>> proofs) =>
        JsonSerializer.Deserialize<Reference>(NodeScript.Run(Path.Combine("tests", "Contributions.Tests", "Datasets", "dataset-tree.mjs"),
            JsonSerializer.Serialize(new
            {
                values = members.Select(m => new[] { m.ContributionId, m.ContentHash }),
                ours = new { root, proofs },
            }), Path.Combine("@openzeppelin", "merkle-tree")), JsonSerializerOptions.Web)!;
}
