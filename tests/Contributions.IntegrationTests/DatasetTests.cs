using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Datasets;
using CommunityAI.Testing;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// Datasets through the real service, PostgreSQL and RabbitMQ: an admitted builder's signed snapshot selects the scored,
/// not-erased contributions it asks for, the history records its Merkle root, anyone gets proofs, and only the builder
/// gets the content, never an erased contribution's.
/// </summary>
public sealed partial class DatasetTests(DatasetsService service) : IClassFixture<DatasetsService>
{
    private const int Contributor = 1, Other = 2, Stranger = 4, Builder = DatasetsService.Builder;

    private HttpClient Client => service.Client;

    /// <summary>Submits a contribution under <paramref name="licence"/>, scored <paramref name="score"/> by quality-scoring's stream when given.</summary>
    private async Task<(string Id, byte[] Stored)> ContributeAsync(string licence, int? score, string kind = "data", int contributor = Contributor)
    {
        var (id, body) = Signed.Contribution(contributor, text: "dataset-" + Guid.NewGuid().ToString("N"), kind: kind, licence: licence);
        using var response = await Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        if (score is { } s)
            await service.AppendAsync(("scoring/" + id, new ContributionScored(id, AnvilNode.DevAddresses[contributor], kind, s, "scoring-1", DateTimeOffset.UtcNow)));
        return (id, Convert.FromBase64String(body["content"]!.GetValue<string>()));
    }

    private async Task<long> SnapshotEventsAsync() => await service.CountEventsOfTypeAsync("dataset_snapshotted");

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var named = problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetProperty("field").GetString() == field;
        Assert.True(named, $"problem does not name {field}: {problem}");
    }

    private static HashSet<string> MemberIds(JsonElement snapshot) =>
        snapshot.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("contributionId").GetString()!).ToHashSet();

    [Fact]
    public async Task A_snapshot_selects_the_scored_not_erased_matches_records_its_root_and_every_member_has_a_proof()
    {
        var licence = DatasetsService.Licences[0];
        var (high, _) = await ContributeAsync(licence, 80);
        var (atMin, _) = await ContributeAsync(licence, 70, contributor: Other);
        var (low, _) = await ContributeAsync(licence, 69);
        var (unscored, _) = await ContributeAsync(licence, null);
        var (otherKind, _) = await ContributeAsync(licence, 90, kind: "knowledge");
        var (otherLicence, _) = await ContributeAsync(DatasetsService.Licences[1], 90);
        var (erased, _) = await ContributeAsync(licence, 95);
        Assert.Equal(HttpStatusCode.OK, (await Client.EraseAsync(erased, ContentRequests.Erasure(Contributor, erased))).StatusCode);

        var created = await OkAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 70, licence)), HttpStatusCode.Created);

        Assert.Equal(new[] { high, atMin }.Order(), MemberIds(created).Order());
        Assert.DoesNotContain(low, MemberIds(created));
        Assert.DoesNotContain(unscored, MemberIds(created));
        Assert.DoesNotContain(otherKind, MemberIds(created));
        Assert.DoesNotContain(otherLicence, MemberIds(created));
        Assert.DoesNotContain(erased, MemberIds(created));
        var root = created.GetProperty("root").GetString()!;
        Assert.Equal(2, created.GetProperty("memberCount").GetInt32());
        Assert.Equal(1L, await service.CountEventsAsync(DatasetHistory.StreamPrefix + root));

        // The recorded event carries root, criteria and builder, and its members rebuild the root.
        var recorded = await OkAsync(await Client.GetAsync($"/api/datasets/{root}"));
        Assert.Equal(AnvilNode.DevAddresses[Builder], recorded.GetProperty("builder").GetString(), ignoreCase: true);
        Assert.Equal(licence, recorded.GetProperty("licences").GetString());
        Assert.Equal(70, recorded.GetProperty("minScore").GetInt32());
        var members = recorded.GetProperty("members").Deserialize<List<DatasetMember>>(JsonSerializerOptions.Web)!;
        Assert.Equal(root, new StandardMerkleTree(members).Root);

        foreach (var member in members)
        {
            var proof = await OkAsync(await Client.GetAsync($"/api/datasets/{root}/proof/{member.ContributionId}"));
            var leaf = proof.GetProperty("leaf").GetString()!;
            Assert.Equal(CommunityAI.Formats.Hex.Encode(StandardMerkleTree.LeafHash(member)), leaf);
            var path = proof.GetProperty("proof").EnumerateArray().Select(p => p.GetString()!).ToList();
            Assert.Equal(root, StandardMerkleTree.ProcessProof(leaf, path));
        }
        await AssertProblemAsync(await Client.GetAsync($"/api/datasets/{root}/proof/{low}"), HttpStatusCode.NotFound, "contributionId");
    }

    [Fact]
    public async Task The_builder_exports_content_with_provenance_and_a_member_erased_since_is_listed_without_content()
    {
        var licence = DatasetsService.Licences[2];
        var (kept, keptBytes) = await ContributeAsync(licence, 80);
        var (later, _) = await ContributeAsync(licence, 85, contributor: Other);
        var root = (await OkAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 50, licence)), HttpStatusCode.Created))
            .GetProperty("root").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Client.EraseAsync(later, ContentRequests.Erasure(Other, later))).StatusCode);

        using var exported = await Client.ExportAsync(root, DatasetRequests.Export(Builder, root));
        Assert.Equal("application/json; charset=utf-8", exported.Content.Headers.ContentType?.ToString());
        var raw = await exported.Content.ReadAsByteArrayAsync();
        var export = await OkAsync(exported);
        // Written member by member, yet byte for byte what serializing the whole answer at once writes.
        Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(
            JsonSerializer.Deserialize<DatasetsApi.ExportResult>(raw, JsonSerializerOptions.Web), JsonSerializerOptions.Web)), Encoding.UTF8.GetString(raw));

        Assert.Equal(root, export.GetProperty("root").GetString());
        var byId = export.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("contributionId").GetString()!);
        Assert.Equal(2, byId.Count);
        Assert.Equal(keptBytes, Convert.FromBase64String(byId[kept].GetProperty("content").GetString()!));
        Assert.Equal(licence, byId[kept].GetProperty("licence").GetString());
        Assert.Equal(AnvilNode.DevAddresses[Contributor], byId[kept].GetProperty("contributor").GetString(), ignoreCase: true);
        Assert.False(byId[kept].GetProperty("erased").GetBoolean());
        Assert.True(byId[later].GetProperty("erased").GetBoolean());
        Assert.Equal(JsonValueKind.Null, byId[later].GetProperty("content").ValueKind);
        Assert.Equal(AnvilNode.DevAddresses[Other], byId[later].GetProperty("contributor").GetString(), ignoreCase: true);
        Assert.Equal(licence, byId[later].GetProperty("licence").GetString());

        // A later snapshot of the same criteria never holds the erased contribution.
        var again = await OkAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 50, licence)), HttpStatusCode.Created);
        Assert.Equal([kept], MemberIds(again).ToArray());
        Assert.NotEqual(root, again.GetProperty("root").GetString());
    }

    [Fact]
    public async Task Unadmitted_forged_unsigned_replayed_or_oversized_snapshots_are_refused_and_record_nothing()
    {
        var licence = DatasetsService.Licences[3];
        await ContributeAsync(licence, 80);
        var before = await SnapshotEventsAsync();

        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Stranger, "data", 0, licence)), HttpStatusCode.Forbidden, "builder");
        // The stranger signs a request claiming to be the builder.
        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, licence, signingKey: Stranger)), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await Client.SnapshotAsync(new { builder = AnvilNode.DevAddresses[Builder], kind = "data", minScore = 0, licences = licence }),
            HttpStatusCode.BadRequest, "signature");
        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, new string('k', 10_000), 0, licence)), HttpStatusCode.BadRequest, "kind");
        // Fifty kilobytes of licences: over what any valid request needs, so refused before the body is read.
        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, string.Join(',', Enumerable.Repeat(licence, 5_000)))),
            HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, string.Join(',', Enumerable.Repeat(licence, 100)))),
            HttpStatusCode.BadRequest, "licences");
        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, string.Join(',', Enumerable.Range(0, 40).Select(i => "L" + i)))),
            HttpStatusCode.BadRequest, "licences");
        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, licence + ", MIT")), HttpStatusCode.BadRequest, "licences");
        await AssertProblemAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 100, DatasetsService.Licences[5])),
            HttpStatusCode.UnprocessableEntity, "criteria");
        Assert.Equal(before, await SnapshotEventsAsync());

        var captured = DatasetRequests.Snapshot(Builder, "data", 0, licence);
        await OkAsync(await Client.SnapshotAsync(captured), HttpStatusCode.Created);
        await AssertProblemAsync(await Client.SnapshotAsync(captured), HttpStatusCode.Conflict, "nonce");
        Assert.Equal(before + 1, await SnapshotEventsAsync());
    }

    [Fact]
    public async Task A_selection_over_the_snapshot_bound_is_refused_by_name_and_records_nothing_while_one_at_it_is_taken()
    {
        var licence = DatasetsService.Licences[8];
        var members = new List<string>();
        for (var i = 0; i < DatasetsService.MaxMembers; i++)
            members.Add((await ContributeAsync(licence, 80)).Id);
        await ContributeAsync(licence, 60); // one over the bound at minScore 0, left out at 70
        var before = await SnapshotEventsAsync();

        using var over = await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, licence));
        var problem = await over.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(over.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToString());
        // The title is what a client tells "too many" from "nothing" by (the community model names the setting to raise).
        Assert.Equal(("Too many members", "criteria"), (problem.GetProperty("title").GetString(), problem.GetProperty("field").GetString()));
        Assert.Contains($"more than {DatasetsService.MaxMembers}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotEventsAsync());

        // Criteria that leave the lowest one out select exactly the bound: taken.
        var taken = await OkAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 70, licence)), HttpStatusCode.Created);
        Assert.Equal(members.ToHashSet(), MemberIds(taken));
        Assert.Equal(before + 1, await SnapshotEventsAsync());
    }

    [Fact]
    public async Task A_dataset_request_of_a_megabyte_is_refused_before_it_is_read()
    {
        var before = await SnapshotEventsAsync();
        var root = CommunityAI.Formats.Hex.Encode(new byte[32]);
        var padding = new string(' ', 1024 * 1024);
        foreach (var path in new[] { "/api/datasets", $"/api/datasets/{root}/multiproof", $"/api/datasets/{root}/export" })
        {
            using var body = new StringContent("{\"kind\":\"data\"" + padding + "}", System.Text.Encoding.UTF8, "application/json");
            await AssertProblemAsync(await Client.PostAsync(path, body), HttpStatusCode.RequestEntityTooLarge, "body");
        }
        Assert.Equal(before, await SnapshotEventsAsync());
    }

    [Fact]
    public async Task Exports_by_anyone_but_the_builder_replayed_or_of_an_unknown_root_are_refused_and_release_nothing()
    {
        var licence = DatasetsService.Licences[4];
        await ContributeAsync(licence, 80);
        var root = (await OkAsync(await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, licence)), HttpStatusCode.Created))
            .GetProperty("root").GetString()!;
        var unknown = CommunityAI.Formats.Hex.Encode(new byte[32]);

        await AssertProblemAsync(await Client.ExportAsync(root, DatasetRequests.Export(Stranger, root)), HttpStatusCode.Forbidden, "builder");
        await AssertProblemAsync(await Client.ExportAsync(root, DatasetRequests.Export(Builder, root, signingKey: Stranger)), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await Client.ExportAsync(root, new { builder = AnvilNode.DevAddresses[Builder] }), HttpStatusCode.BadRequest, "signature");
        // A signature over another root does not export this one.
        await AssertProblemAsync(await Client.ExportAsync(root, DatasetRequests.Export(Builder, unknown)), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await Client.ExportAsync(unknown, DatasetRequests.Export(Builder, unknown)), HttpStatusCode.NotFound, "root");
        await AssertProblemAsync(await Client.ExportAsync("0x12", DatasetRequests.Export(Builder, root)), HttpStatusCode.BadRequest, "root");
        await AssertProblemAsync(await Client.GetAsync($"/api/datasets/{unknown}"), HttpStatusCode.NotFound, "root");
        await AssertProblemAsync(await Client.GetAsync($"/api/datasets/{unknown}/proof/{unknown}"), HttpStatusCode.NotFound, "root");
        await AssertProblemAsync(await Client.GetAsync("/api/datasets/not-a-root"), HttpStatusCode.BadRequest, "root");

        var captured = DatasetRequests.Export(Builder, root);
        await OkAsync(await Client.ExportAsync(root, captured));
        await AssertProblemAsync(await Client.ExportAsync(root, captured), HttpStatusCode.Conflict, "nonce");
    }
}
