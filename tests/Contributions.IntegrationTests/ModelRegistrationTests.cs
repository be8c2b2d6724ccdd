using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommunityAI.Audit.Commands;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Datasets;
using CommunityAI.Formats;
using CommunityAI.Testing;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// Models trained on a snapshot, through the real service and PostgreSQL: an admitted builder's signed registration is
/// recorded in the history and listed for anyone; every hostile request is refused with the right status and records
/// nothing, not even its nonce; <c>replay</c> verifies each registration and names one planted in the history.
/// </summary>
public sealed class ModelRegistrationTests(DatasetsService service) : IClassFixture<DatasetsService>
{
    private const int Contributor = 1, Stranger = 4, Builder = DatasetsService.Builder;

    private HttpClient Client => service.Client;

    private async Task<string> SnapshotAsync()
    {
        var (id, body) = Signed.Contribution(Contributor, text: "model-data-" + Guid.NewGuid().ToString("N"), licence: DatasetsService.Licences[0]);
        using (var submitted = await Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        await service.AppendAsync(("scoring/" + id, new ContributionScored(id, AnvilNode.DevAddresses[Contributor], "data", 90, "scoring-1", DateTimeOffset.UtcNow)));
        using var created = await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, DatasetsService.Licences[0]));
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("root").GetString()!;
    }

    private Task<long> ModelsRecordedAsync() => service.CountEventsOfTypeAsync("model_registered");

    [Fact]
    public async Task An_admitted_builder_registers_a_model_anyone_lists_it_and_replay_verifies_it_and_names_a_planted_one()
    {
        var root = await SnapshotAsync();
        var weightsHash = Hex.Encode(SHA256.HashData("the weights"u8));

        using var registered = await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, "sentiment-small", "https://models.example/sentiment-small.onnx", weightsHash));

        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var model = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var modelId = model.GetProperty("modelId").GetString()!;
        Assert.Equal((root, "sentiment-small", "https://models.example/sentiment-small.onnx", weightsHash),
            (model.GetProperty("snapshotRoot").GetString(), model.GetProperty("name").GetString(), model.GetProperty("weightsUri").GetString(), model.GetProperty("weightsHash").GetString()));
        Assert.Equal(1L, await service.CountEventsAsync(ModelRegistry.StreamPrefix + modelId));

        var listed = await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{root}/models");
        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal((modelId, AnvilNode.DevAddresses[Builder]), (only.GetProperty("modelId").GetString(), only.GetProperty("builder").GetString()));
        Assert.Empty((await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{await SnapshotOfAnotherLicenceAsync()}/models")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/datasets/{Hex.Encode(RandomNumberGenerator.GetBytes(32))}/models")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync("/api/datasets/0x1234/models")).StatusCode);

        var honest = await ReplayAsync();
        Assert.True(honest.Code == 0, honest.Output);
        Assert.Equal(1, JsonDocument.Parse(honest.Output).RootElement.GetProperty("signatures").GetProperty("verified").GetProperty("model registration").GetInt32());

        // The operator plants a registration with other weights under the builder's name, and one citing a snapshot nobody took.
        var recorded = JsonSerializer.Deserialize<ModelRegistered>((await TextAsync($"SELECT data::text FROM history.mt_events WHERE stream_id = '{ModelRegistry.StreamPrefix}{modelId}'"))!,
            JsonSerializerOptions.Web)!;
        var swapped = recorded with { ModelId = Hex.Encode(RandomNumberGenerator.GetBytes(32)), WeightsHash = Hex.Encode(SHA256.HashData("other weights"u8)), Nonce = "900001" };
        var orphan = recorded with { ModelId = Hex.Encode(RandomNumberGenerator.GetBytes(32)), SnapshotRoot = Hex.Encode(RandomNumberGenerator.GetBytes(32)), Nonce = "900002" };
        await service.AppendAsync((ModelRegistry.StreamPrefix + swapped.ModelId, swapped), (ModelRegistry.StreamPrefix + orphan.ModelId, orphan));

        var planted = await ReplayAsync();
        Assert.True(planted.Code == 1, planted.Output);
        var findings = JsonDocument.Parse(planted.Output).RootElement.GetProperty("signatures").GetProperty("findings").EnumerateArray()
            .Select(f => (What: f.GetProperty("what").GetString(), Detail: f.GetProperty("detail").GetString()!)).ToList();
        Assert.Contains(findings, f => f.What == "model registration signature" && f.Detail.Contains(AnvilNode.DevAddresses[Builder], StringComparison.OrdinalIgnoreCase));
        Assert.Contains(findings, f => f.What == "model snapshot" && f.Detail.Contains(orphan.SnapshotRoot, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hostile_registrations_are_refused_with_their_status_and_record_nothing_not_even_the_nonce()
    {
        var root = await SnapshotAsync();
        var before = await ModelsRecordedAsync();
        const ulong nonce = 777_001;

        // 400: malformed or oversized fields, each named.
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, name: new string('m', ModelRegistry.MaxNameLength + 1), nonce: nonce)), HttpStatusCode.BadRequest, "name");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, name: "evil\u202Eexe.gnp", nonce: nonce)), HttpStatusCode.BadRequest, "name");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, name: "", nonce: nonce)), HttpStatusCode.BadRequest, "name");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, weightsUri: "models/relative.onnx", nonce: nonce)), HttpStatusCode.BadRequest, "weightsUri");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, weightsUri: "https://x.example/" + new string('w', ModelRegistry.MaxWeightsUriLength), nonce: nonce)), HttpStatusCode.BadRequest, "weightsUri");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, With(DatasetRequests.Model(Builder, root, nonce: nonce), "weightsHash", "0x1234")), HttpStatusCode.BadRequest, "weightsHash");
        await AssertProblemAsync(await Client.RegisterModelAsync("0xnot-a-root", DatasetRequests.Model(Builder, root, nonce: nonce)), HttpStatusCode.BadRequest, "root");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, With(DatasetRequests.Model(Builder, root, nonce: nonce), "signature", null)), HttpStatusCode.BadRequest, "signature");
        // A body past the bound is refused before it is read.
        var oversized = With(DatasetRequests.Model(Builder, root, nonce: nonce), "name", new string('m', (int)ModelRegistry.MaxBodyBytes)).ToJsonString();
        using (var huge = await Client.PostAsync($"/api/datasets/{root}/models", new StringContent(oversized, Encoding.UTF8, "application/json")))
            Assert.True(huge.StatusCode == HttpStatusCode.RequestEntityTooLarge, await huge.Content.ReadAsStringAsync());

        // 401: unsigned (a signature of zeros recovers to no key), signed by someone else, or the signed fields changed after signing.
        await AssertProblemAsync(await Client.RegisterModelAsync(root, With(DatasetRequests.Model(Builder, root, nonce: nonce), "signature", "0x" + new string('0', 130))), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, nonce: nonce, signingKey: Stranger)), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, With(DatasetRequests.Model(Builder, root, nonce: nonce), "weightsUri", "https://elsewhere.example/w.onnx")), HttpStatusCode.Unauthorized, "signature");
        // A registration signed for one snapshot, sent to another's path, is over another root: not the builder's signature.
        await AssertProblemAsync(await Client.RegisterModelAsync(Hex.Encode(RandomNumberGenerator.GetBytes(32)), DatasetRequests.Model(Builder, root, nonce: nonce)), HttpStatusCode.Unauthorized, "signature");

        // 403: well signed by an address no vote or setting admitted.
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Stranger, root, nonce: nonce)), HttpStatusCode.Forbidden, "builder");

        // 404: well signed by the builder, over a root the history does not hold.
        var unknown = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        await AssertProblemAsync(await Client.RegisterModelAsync(unknown, DatasetRequests.Model(Builder, unknown, nonce: nonce)), HttpStatusCode.NotFound, "root");

        Assert.Equal(before, await ModelsRecordedAsync());

        // Nothing above spent the nonce: the builder's first good request with it is recorded; the same request again, or
        // another one with that nonce, is a replay.
        using (var good = await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, nonce: nonce)))
            Assert.True(good.StatusCode == HttpStatusCode.Created, await good.Content.ReadAsStringAsync());
        var replayed = DatasetRequests.Model(Builder, root, name: "second", nonce: nonce + 1);
        using (var first = await Client.RegisterModelAsync(root, replayed))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertProblemAsync(await Client.RegisterModelAsync(root, replayed), HttpStatusCode.Conflict, "nonce");
        await AssertProblemAsync(await Client.RegisterModelAsync(root, DatasetRequests.Model(Builder, root, name: "third", nonce: nonce)), HttpStatusCode.Conflict, "nonce");

        Assert.Equal(before + 2, await ModelsRecordedAsync());
        Assert.Equal(2, (await Client.GetFromJsonAsync<JsonElement>($"/api/datasets/{root}/models")).GetArrayLength());
    }

    private async Task<string> SnapshotOfAnotherLicenceAsync()
    {
        var (id, body) = Signed.Contribution(Contributor, text: "other-" + Guid.NewGuid().ToString("N"), licence: DatasetsService.Licences[1]);
        using (var submitted = await Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        await service.AppendAsync(("scoring/" + id, new ContributionScored(id, AnvilNode.DevAddresses[Contributor], "data", 90, "scoring-1", DateTimeOffset.UtcNow)));
        using var created = await Client.SnapshotAsync(DatasetRequests.Snapshot(Builder, "data", 0, DatasetsService.Licences[1]));
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("root").GetString()!;
    }

    private static JsonObject With(object body, string member, string? value)
    {
        var json = JsonSerializer.SerializeToNode(body, JsonSerializerOptions.Web)!.AsObject();
        json[member] = value;
        return json;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        using (response)
        {
            Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            var named = problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetProperty("field").GetString() == field;
            Assert.True(named, $"problem does not name {field}: {problem}");
        }
    }

    private async Task<string?> TextAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task<(int Code, string Output)> ReplayAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AuditApp.RunAsync(["replay", "--database", service.History, "--json"], output, error);
        return (code, output + error.ToString());
    }
}
