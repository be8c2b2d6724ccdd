using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Datasets;
using CommunityAI.Formats;
using CommunityAI.Formats.Merkle;

namespace Contributions.IntegrationTests;

/// <summary>
/// Multiproofs through the real service: one answer proves a whole set of members, verified by OpenZeppelin's own
/// JavaScript verifier as served, and a set with a non-member, too many, or malformed ids is refused naming the field.
/// </summary>
public sealed partial class DatasetTests
{
    private Task<HttpResponseMessage> MultiProofAsync(string root, object body) => Client.PostAsJsonAsync($"/api/datasets/{root}/multiproof", body);

    private async Task<(string Root, List<DatasetMember> Members)> SnapshotOfAsync(string licence, int members)
    {
        for (var i = 0; i < members; i++)
            await ContributeAsync(licence, 80, contributor: i % 2 == 0 ? Contributor : Other);
        var created = await OkAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 50, licence)), HttpStatusCode.Created);
        return (created.GetProperty("root").GetString()!, created.GetProperty("members").Deserialize<List<DatasetMember>>(JsonSerializerOptions.Web)!);
    }

    [Fact]
    public async Task A_multiproof_of_any_set_of_members_verifies_with_openzeppelin_as_served()
    {
        var (root, members) = await SnapshotOfAsync(DatasetsService.Licences[6], DatasetsService.MaxMultiProofMembers);
        var ids = members.Select(m => m.ContributionId).ToList();
        List<string>[] sets =
        [
            [.. ids.OrderByDescending(id => id)],           // every member (exactly the maximum), in no particular order
            [ids[3], ids[0], ids[4]],
            [ids[2].ToUpperInvariant().Replace("0X", "0x")], // one, in another case
        ];

        var answers = new List<JsonElement>();
        foreach (var set in sets)
        {
            var answer = await OkAsync(await MultiProofAsync(root, new { contributionIds = set }));
            answers.Add(answer);
            Assert.Equal(root, answer.GetProperty("root").GetString());
            Assert.Equal(StandardMerkleTree.LeafEncoding, answer.GetProperty("leafEncoding").EnumerateArray().Select(e => e.GetString()!));
            var leaves = answer.GetProperty("leaves").EnumerateArray()
                .Select(l => new DatasetMember(l[0].GetString()!, l[1].GetString()!)).ToList();
            Assert.Equal(set.Select(id => id.ToLowerInvariant()).Order(), leaves.Select(l => l.ContributionId).Order());
            Assert.All(leaves, l => Assert.Contains(l, members));
            // The leaf hashes, in the proof's order, are what MerkleProof.multiProofVerify takes on chain.
            var leafHashes = answer.GetProperty("leafHashes").EnumerateArray().Select(h => h.GetString()!).ToList();
            Assert.Equal(leaves.Select(l => Hex.Encode(StandardMerkleTree.LeafHash(l))), leafHashes);
            var proof = new MultiProof(leafHashes.Select(h => Hex.Decode(h, 32)).ToArray(),
                answer.GetProperty("proof").EnumerateArray().Select(p => Hex.Decode(p.GetString()!, 32)).ToArray(),
                answer.GetProperty("proofFlags").EnumerateArray().Select(f => f.GetBoolean()).ToArray());
            Assert.True(proof.Verifies(Hex.Decode(root, 32)));
        }

        // The attack: an answer for three members, presented as proving a contribution that was not among them.
        var outsider = (await ContributeAsync(DatasetsService.Licences[6], 80)).Id;
        var forged = JsonSerializer.SerializeToNode(answers[1])!;
        forged["leaves"]![0]![0] = outsider;
        answers.Add(JsonSerializer.SerializeToElement(forged));

        Assert.Equal([true, true, true, false], OpenZeppelinMultiProof.Verify(answers));
    }

    [Fact]
    public async Task Multiproofs_of_non_members_too_many_duplicated_or_malformed_ids_or_an_unknown_root_are_refused()
    {
        var (root, members) = await SnapshotOfAsync(DatasetsService.Licences[7], 2);
        var ids = members.Select(m => m.ContributionId).ToList();
        var (notMember, _) = await ContributeAsync(DatasetsService.Licences[7], 80); // same criteria, but after the snapshot
        var unknown = Hex.Encode(new byte[32]);
        var tooMany = Enumerable.Range(1, DatasetsService.MaxMultiProofMembers + 1).Select(i => Hex.Encode(new byte[31].Append((byte)i).ToArray())).ToList();

        await AssertProblemAsync(await MultiProofAsync(unknown, new { contributionIds = ids }), HttpStatusCode.NotFound, "root");
        await AssertProblemAsync(await MultiProofAsync("0x12", new { contributionIds = ids }), HttpStatusCode.BadRequest, "root");
        var refused = await MultiProofAsync(root, new { contributionIds = new[] { ids[0], notMember } });
        Assert.Contains(notMember, await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await AssertProblemAsync(refused, HttpStatusCode.NotFound, "contributionIds");
        await AssertProblemAsync(await MultiProofAsync(root, new { contributionIds = tooMany }), HttpStatusCode.RequestEntityTooLarge, "contributionIds");
        await AssertProblemAsync(await MultiProofAsync(root, new { contributionIds = Array.Empty<string>() }), HttpStatusCode.BadRequest, "contributionIds");
        await AssertProblemAsync(await MultiProofAsync(root, new { }), HttpStatusCode.BadRequest, "contributionIds");
        await AssertProblemAsync(await MultiProofAsync(root, new { contributionIds = new[] { ids[0], "0x1234" } }), HttpStatusCode.BadRequest, "contributionIds[1]");
        await AssertProblemAsync(await MultiProofAsync(root, new { contributionIds = new[] { ids[0], null } }), HttpStatusCode.BadRequest, "contributionIds[1]");
        await AssertProblemAsync(await MultiProofAsync(root, new { contributionIds = new[] { ids[1], ids[0], ids[1].ToUpperInvariant().Replace("0X", "0x") } }),
            HttpStatusCode.BadRequest, "contributionIds[2]");
    }
}
