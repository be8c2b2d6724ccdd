using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Testing;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// The encrypted content store through the real service, PostgreSQL and RabbitMQ: content never in the history or on the
/// public bus, readable by the assigned validators only, erasable by its contributor only, and gone for good after.
/// </summary>
public sealed class ContentStoreTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private const int Contributor = 1, Validator = 3, Stranger = 4;

    private HttpClient Client => service.Client;

    /// <summary>Submits a contribution with a text no other test uses; returns its id and the stored bytes.</summary>
    private async Task<(string Id, byte[] Stored, string Marker)> SubmitAsync()
    {
        var marker = "private-text-" + Guid.NewGuid().ToString("N");
        var (id, body) = Signed.Contribution(Contributor, text: marker);
        using var response = await Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (id, Convert.FromBase64String(body["content"]!.GetValue<string>()), marker);
    }

    private Task AssignAsync(string id, DateTimeOffset closes, int validator = Validator) => service.AppendAsync(("scoring/" + id,
        new ReviewersAssigned(id, [new AssignedReviewer(AnvilNode.DevAddresses[validator], 0.5m)], 3, 1, closes, "scoring-1", DateTimeOffset.UtcNow)));

    private async Task<T?> ScalarAsync<T>(string sql, string id)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>The whole content table as COPY writes it (what a backup taken now would hold).</summary>
    private async Task<string> CopyOfContentTableAsync()
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        using var reader = await connection.BeginTextExportAsync("COPY contributions.content TO STDOUT");
        return await reader.ReadToEndAsync();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var named = problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetProperty("field").GetString() == field;
        Assert.True(named, $"problem does not name {field}: {problem}");
    }

    [Fact]
    public async Task Content_is_stored_encrypted_with_its_licence_and_is_in_neither_the_history_nor_the_public_bus()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var publicQueue = await tap.SubscribeAsync(nameof(ContributionSubmitted));
        var (id, stored, marker) = await SubmitAsync();

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE data::text LIKE '%' || @id || '%'", marker));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE data::text LIKE '%' || @id || '%'", Convert.ToBase64String(stored)[..40]));
        Assert.Equal(TestChain.Licence, await ScalarAsync<string>("SELECT licence FROM contributions.content WHERE contribution_id = @id", id));
        var ciphertext = (await ScalarAsync<byte[]>("SELECT ciphertext FROM contributions.content WHERE contribution_id = @id", id))!;
        Assert.Equal(-1, ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)));

        // The public notice carries the hash; the content goes only to quality-scoring's private queue.
        var published = await Eventually.MatchesAsync(() => tap.DrainAsync(publicQueue), m => m.Count > 0, "the public notice");
        Assert.DoesNotContain(marker, published[0].Body.GetRawText(), StringComparison.Ordinal);
        var handedOver = await Eventually.MatchesAsync(() => HandedOverContents.TakeAsync(tap),
            m => m.Any(x => x.ContributionId == id), "the private handoff");
        Assert.Equal(stored, Convert.FromBase64String(handedOver.Single(x => x.ContributionId == id).Content));
    }

    [Fact]
    public async Task An_assigned_validator_reads_the_content_and_its_licence_during_the_review()
    {
        var (id, stored, _) = await SubmitAsync();
        await AssignAsync(id, DateTimeOffset.UtcNow.AddMinutes(10));

        using var response = await Client.ReadAsync(id, ContentRequests.Read(Validator, id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(stored, Convert.FromBase64String(result.GetProperty("content").GetString()!));
        Assert.Equal(TestChain.Licence, result.GetProperty("licence").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored)), result.GetProperty("contentHash").GetString()![2..]);
    }

    [Fact]
    public async Task Nobody_else_reads_the_content_and_a_read_cannot_be_forged_or_replayed()
    {
        var (id, _, _) = await SubmitAsync();
        await AssignAsync(id, DateTimeOffset.UtcNow.AddMinutes(10));

        await AssertProblemAsync(await Client.ReadAsync(id, ContentRequests.Read(Stranger, id)), HttpStatusCode.Forbidden, "reader");
        await AssertProblemAsync(await Client.ReadAsync(id, ContentRequests.Read(Contributor, id)), HttpStatusCode.Forbidden, "reader");
        // The stranger signs a request claiming to be the validator.
        await AssertProblemAsync(await Client.ReadAsync(id, ContentRequests.Read(Validator, id, signingKey: Stranger)), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await Client.ReadAsync(id, new { reader = AnvilNode.DevAddresses[Validator] }), HttpStatusCode.BadRequest, "signature");
        await AssertProblemAsync(await Client.ReadAsync("0x12", ContentRequests.Read(Validator, id)), HttpStatusCode.BadRequest, "id");

        var captured = ContentRequests.Read(Validator, id);
        Assert.Equal(HttpStatusCode.OK, (await Client.ReadAsync(id, captured)).StatusCode);
        await AssertProblemAsync(await Client.ReadAsync(id, captured), HttpStatusCode.Conflict, "nonce");
    }

    [Fact]
    public async Task After_the_review_window_the_assigned_validator_reads_no_more()
    {
        var (id, _, _) = await SubmitAsync();
        await AssignAsync(id, DateTimeOffset.UtcNow.AddSeconds(-1));
        await AssertProblemAsync(await Client.ReadAsync(id, ContentRequests.Read(Validator, id)), HttpStatusCode.Forbidden, "reader");
    }

    [Fact]
    public async Task Erasure_destroys_key_and_ciphertext_records_the_fact_and_leaves_nothing_to_read_anywhere()
    {
        var (id, stored, marker) = await SubmitAsync();
        await AssignAsync(id, DateTimeOffset.UtcNow.AddMinutes(10));
        var wrappedKey = (await ScalarAsync<byte[]>("SELECT wrapped_key FROM contributions.content WHERE contribution_id = @id", id))!;
        var ciphertext = (await ScalarAsync<byte[]>("SELECT ciphertext FROM contributions.content WHERE contribution_id = @id", id))!;

        using var response = await Client.EraseAsync(id, ContentRequests.Erasure(Contributor, id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE stream_id = 'contributions/' || @id AND type = 'contribution_erased'", id));
        await AssertProblemAsync(await Client.ReadAsync(id, ContentRequests.Read(Validator, id)), HttpStatusCode.Gone, "id");
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM contributions.content WHERE contribution_id = @id", id));
        var backup = await CopyOfContentTableAsync();
        Assert.DoesNotContain(Convert.ToHexStringLower(wrappedKey), backup, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(ciphertext), backup, StringComparison.Ordinal);
        Assert.DoesNotContain(id, backup, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE data::text LIKE '%' || @id || '%'", marker));
        // The contribution's public record stays: its view answers, with the hash of content nobody can now produce.
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/api/contributions/{id}")).StatusCode);
        Assert.NotEmpty(stored);
    }

    [Fact]
    public async Task Erasure_by_someone_else_or_unsigned_is_refused_and_changes_nothing()
    {
        var (id, _, _) = await SubmitAsync();
        await AssignAsync(id, DateTimeOffset.UtcNow.AddMinutes(10));

        await AssertProblemAsync(await Client.EraseAsync(id, ContentRequests.Erasure(Stranger, id)), HttpStatusCode.Forbidden, "contributor");
        await AssertProblemAsync(await Client.EraseAsync(id, ContentRequests.Erasure(Contributor, id, signingKey: Stranger)), HttpStatusCode.Unauthorized, "signature");
        await AssertProblemAsync(await Client.EraseAsync(id, new { contributor = AnvilNode.DevAddresses[Contributor], nonce = 1 }), HttpStatusCode.BadRequest, "signature");

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE type = 'contribution_erased' AND stream_id = 'contributions/' || @id", id));
        Assert.Equal(HttpStatusCode.OK, (await Client.ReadAsync(id, ContentRequests.Read(Validator, id))).StatusCode);
    }

    [Fact]
    public async Task A_replayed_erasure_changes_nothing_and_its_nonce_cannot_erase_another_contribution()
    {
        var (first, _, _) = await SubmitAsync();
        var (second, _, _) = await SubmitAsync();
        await AssignAsync(second, DateTimeOffset.UtcNow.AddMinutes(10));
        var nonce = Signed.NextNonce();
        var erasure = ContentRequests.Erasure(Contributor, first, nonce);
        Assert.Equal(HttpStatusCode.OK, (await Client.EraseAsync(first, erasure)).StatusCode);

        await AssertProblemAsync(await Client.EraseAsync(first, erasure), HttpStatusCode.Gone, "id");
        await AssertProblemAsync(await Client.EraseAsync(second, ContentRequests.Erasure(Contributor, second, nonce)), HttpStatusCode.Conflict, "nonce");

        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE type = 'contribution_erased' AND stream_id = 'contributions/' || @id", first));
        Assert.Equal(HttpStatusCode.OK, (await Client.ReadAsync(second, ContentRequests.Read(Validator, second))).StatusCode);
    }

    [Fact]
    public async Task Uploads_over_the_limit_or_with_a_wrong_content_hash_store_nothing()
    {
        var (tooLargeId, tooLarge) = Signed.Contribution(Contributor, text: new string('x', ContributionsService.MaxContentBytes));
        var (wrongId, wrong) = Signed.Contribution(Contributor, text: "the signed text");
        wrong["content"] = Convert.ToBase64String(CommunityAI.Formats.ContentSalt.Add(Encoding.UTF8.GetBytes("other text")));

        foreach (var (id, body) in new[] { (tooLargeId, tooLarge), (wrongId, wrong) })
        {
            using var response = await Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge });
            Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM contributions.content WHERE contribution_id = @id", id));
            Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
        }
    }

    [Fact]
    public async Task A_master_key_rotation_rewraps_every_data_key_without_touching_the_content()
    {
        var (id, stored, _) = await SubmitAsync();
        await AssignAsync(id, DateTimeOffset.UtcNow.AddMinutes(10));
        var before = (await ScalarAsync<byte[]>("SELECT ciphertext FROM contributions.content WHERE contribution_id = @id", id))!;
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        // A second instance configured with the development key retired and a new one active: its leader rewraps.
        var rotated = new Dictionary<string, string>(service.Settings)
        {
            ["ContentStore:MasterKeys:development"] = CommunityAI.Contributions.Domain.DevelopmentMasterKey.Value,
            ["ContentStore:MasterKeys:2026-12"] = newKey,
            ["ContentStore:ActiveMasterKey"] = "2026-12",
            ["ContentStore:RewrapInterval"] = "00:00:00.200",
        };
        await service.StopAsync();
        await using (var rotating = new ContributionsHost(rotated))
        {
            _ = rotating.CreateClient();
            await Eventually.MatchesAsync(() => ScalarAsync<long>("SELECT count(*) FROM contributions.content WHERE master_key_id <> '2026-12'", ""),
                n => n == 0, "every data key under the new master key");
        }
        Assert.Equal(before, await ScalarAsync<byte[]>("SELECT ciphertext FROM contributions.content WHERE contribution_id = @id", id));

        // The retired key is gone from configuration; the content still opens.
        var retired = new Dictionary<string, string>(service.Settings) { ["ContentStore:MasterKeys:2026-12"] = newKey, ["ContentStore:ActiveMasterKey"] = "2026-12" };
        await using var afterRotation = new ContributionsHost(retired);
        using var response = await afterRotation.CreateClient().ReadAsync(id, ContentRequests.Read(Validator, id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(stored, Convert.FromBase64String((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString()!));
        service.Start();
    }
}
