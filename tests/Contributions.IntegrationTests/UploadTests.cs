using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>Parts of 1 MiB, uploads of at most 8 MiB in 16 parts, 3 open and 12 MiB in flight per contributor.</summary>
public class UploadsService : ContributionsService
{
    public const int PartBytes = 1024 * 1024;
    public const int MaxUploadBytes = 8 * PartBytes;
    public const int MaxParts = 16;
    public const int MaxOpen = 3;
    public const long MaxInFlight = 12L * PartBytes;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => new Dictionary<string, string>
    {
        ["Intake:MaxPartBytes"] = PartBytes.ToString(CultureInfo.InvariantCulture),
        ["Intake:MaxUploadBytes"] = MaxUploadBytes.ToString(CultureInfo.InvariantCulture),
        ["Intake:MaxUploadParts"] = MaxParts.ToString(CultureInfo.InvariantCulture),
        ["Intake:MaxOpenUploads"] = MaxOpen.ToString(CultureInfo.InvariantCulture),
        ["Intake:MaxUploadBytesInFlight"] = MaxInFlight.ToString(CultureInfo.InvariantCulture),
    };

    public async Task<T?> ScalarAsync<T>(string sql, string id)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>A whole table as COPY writes it (what a backup taken now would hold).</summary>
    public async Task<string> CopyOfAsync(string table)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        using var reader = await connection.BeginTextExportAsync($"COPY {table} TO STDOUT");
        return await reader.ReadToEndAsync();
    }
}

/// <summary>
/// Uploads in parts through the real service, PostgreSQL and RabbitMQ: a large file arrives in parts, in any order and
/// with retries, and becomes a contribution like inline content; every hostile request is refused with a problem
/// naming the field, and changes nothing.
/// </summary>
public sealed class UploadTests(UploadsService service) : IClassFixture<UploadsService>
{
    // One contributor per test where limits per contributor count, since the class shares one service.
    private const int Alice = 1, Bob = 2, Validator = 3, Eve = 4, Erin = 5, Limited = 6, Carol = 7, Dave = 8;

    private HttpClient Client => service.Client;

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {problem}");
        var named = problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetProperty("field").GetString() == field;
        Assert.True(named, $"problem does not name {field}: {problem}");
    }

    private async Task<string> OpenAsync(int key, UploadRequests.File file)
    {
        var (uploadId, body) = UploadRequests.Open(key, file);
        using var opened = await Client.OpenUploadAsync(body);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        return uploadId;
    }

    private Task<long> PartsStoredAsync(string uploadId) =>
        service.ScalarAsync<long>("SELECT count(*) FROM contributions.upload_parts WHERE upload_id = @id", uploadId);

    private Task<long> UploadsOfAsync(int key) =>
        service.ScalarAsync<long>("SELECT count(*) FROM contributions.uploads WHERE contributor = @id", AnvilNode.DevAddresses[key]);

    [Fact]
    public async Task A_five_MiB_file_sent_in_parts_out_of_order_with_a_retry_becomes_a_contribution_its_validator_reads_whole()
    {
        var file = UploadRequests.RandomFile(5 * 1024 * 1024, UploadsService.PartBytes);
        var (uploadId, open) = UploadRequests.Open(Alice, file);
        using (var opened = await Client.OpenUploadAsync(open))
        {
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            var answer = await opened.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(uploadId, answer.GetProperty("uploadId").GetString());
            Assert.Equal(6, answer.GetProperty("parts").GetInt32()); // 5 MiB and the salt line
        }

        // Last part first; part 2 sent twice, as a client does when an answer is lost.
        foreach (var index in Enumerable.Range(0, file.Parts.Count).Reverse())
            Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(uploadId, index, file.Parts[index])).StatusCode);
        using (var retried = await Client.PutPartAsync(uploadId, 2, file.Parts[2]))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            Assert.True((await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("storedBefore").GetBoolean());
        }
        var status = await Client.GetFromJsonAsync<JsonElement>($"/api/uploads/{uploadId}");
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, status.GetProperty("received").EnumerateArray().Select(e => e.GetInt32()));

        // Stored sealed: no stretch of the content is in the parts' table.
        Assert.DoesNotContain(Convert.ToHexStringLower(file.Content.AsSpan(2 * UploadsService.PartBytes + 1000, 64)),
            await service.CopyOfAsync("contributions.upload_parts"), StringComparison.Ordinal);

        var (id, contribution) = UploadRequests.Completing(Alice, file.ContentHash, uploadId);
        using (var submitted = await Client.SubmitAsync(contribution))
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal((long)file.Content.Length, await service.ScalarAsync<long>(
            "SELECT (data->>'contentSize')::bigint FROM history.mt_events WHERE stream_id = 'contributions/' || @id AND type = 'contribution_submitted'", id));
        // The upload is consumed with the contribution: no part and no key left, only the tombstone naming the contribution.
        Assert.Equal(0, await PartsStoredAsync(uploadId));
        Assert.Equal(id, await service.ScalarAsync<string>("SELECT completed_by FROM contributions.uploads WHERE upload_id = @id AND wrapped_key IS NULL", uploadId));

        await service.AppendAsync(("scoring/" + id, new ReviewersAssigned(id, [new AssignedReviewer(AnvilNode.DevAddresses[Validator], 0.5m)], 3, 1,
            DateTimeOffset.UtcNow.AddMinutes(10), "scoring-1", DateTimeOffset.UtcNow)));
        using var read = await Client.ReadAsync(id, ContentRequests.Read(Validator, id));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(file.Content, Convert.FromBase64String((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString()!));

        // The same signed contribution again is the idempotent resubmission; another contribution cannot complete it twice.
        using (var again = await Client.SubmitAsync(contribution))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var (otherId, other) = UploadRequests.Completing(Alice, file.ContentHash, uploadId);
        await AssertProblemAsync(await Client.SubmitAsync(other), HttpStatusCode.Conflict, "upload");
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + otherId));
    }

    [Fact]
    public async Task Hostile_parts_are_refused_and_change_nothing()
    {
        var file = UploadRequests.RandomFile(3 * UploadsService.PartBytes, UploadsService.PartBytes);
        var uploadId = await OpenAsync(Bob, file);
        var evesFile = UploadRequests.RandomFile(3 * UploadsService.PartBytes, UploadsService.PartBytes);
        var evesUpload = await OpenAsync(Eve, evesFile);

        // Larger than a part may be: refused before the body is read.
        await AssertProblemAsync(await Client.PutPartAsync(uploadId, 0, new byte[UploadsService.PartBytes + 1]), HttpStatusCode.RequestEntityTooLarge, "body");
        // Beyond the signed parts (too many parts).
        await AssertProblemAsync(await Client.PutPartAsync(uploadId, file.Parts.Count, file.Parts[^1]), HttpStatusCode.NotFound, "index");
        // Bytes that are not the signed part, with a digest that matches them.
        var forged = (byte[])file.Parts[1].Clone();
        forged[100] ^= 1;
        await AssertProblemAsync(await Client.PutPartAsync(uploadId, 1, forged), HttpStatusCode.Conflict, "index");
        // The right bytes damaged on the way: the body does not match its digest.
        await AssertProblemAsync(await Client.PutPartAsync(uploadId, 1, forged, digestOf: file.Parts[1]), HttpStatusCode.BadRequest, "Content-Digest");
        // Eve puts her own signed part into Bob's upload: only what Bob signed can enter his upload.
        await AssertProblemAsync(await Client.PutPartAsync(uploadId, 0, evesFile.Parts[0]), HttpStatusCode.Conflict, "index");
        // The last part is shorter: a full-size body for it is the wrong length.
        await AssertProblemAsync(await Client.PutPartAsync(uploadId, file.Parts.Count - 1, file.Parts[0]), HttpStatusCode.BadRequest, "body");
        await AssertProblemAsync(await Client.PutPartAsync("0x" + new string('7', 64), 0, file.Parts[0]), HttpStatusCode.NotFound, "id");

        Assert.Equal(0, await PartsStoredAsync(uploadId));
        Assert.Equal(0, await PartsStoredAsync(evesUpload));
    }

    [Fact]
    public async Task Hostile_openings_are_refused_and_open_nothing()
    {
        var file = UploadRequests.RandomFile(2 * UploadsService.PartBytes, UploadsService.PartBytes);
        // Announcing more than an upload may hold, more parts than allowed, or parts larger than allowed.
        await AssertProblemAsync(await Client.OpenUploadAsync(UploadRequests.Open(Carol, file, size: UploadsService.MaxUploadBytes + 1UL).Body),
            HttpStatusCode.RequestEntityTooLarge, "size");
        var crumbs = UploadRequests.RandomFile(UploadsService.MaxParts * 1024, 1024);
        await AssertProblemAsync(await Client.OpenUploadAsync(UploadRequests.Open(Carol, crumbs).Body), HttpStatusCode.RequestEntityTooLarge, "partSize");
        var wide = UploadRequests.RandomFile(2 * UploadsService.PartBytes, 2 * UploadsService.PartBytes);
        await AssertProblemAsync(await Client.OpenUploadAsync(UploadRequests.Open(Carol, wide).Body), HttpStatusCode.RequestEntityTooLarge, "partSize");
        // Signed by someone else than the contributor it names, or not signed at all.
        await AssertProblemAsync(await Client.OpenUploadAsync(UploadRequests.Open(Carol, file, signingKey: Eve).Body), HttpStatusCode.Unauthorized, "signature");
        var unsigned = UploadRequests.Open(Carol, file).Body;
        unsigned.Remove("signature");
        await AssertProblemAsync(await Client.OpenUploadAsync(unsigned), HttpStatusCode.BadRequest, "signature");
        // A manifest that is not the one signed.
        var tampered = UploadRequests.Open(Carol, file).Body;
        tampered["partHashes"]![0] = "0x" + new string('0', 64);
        await AssertProblemAsync(await Client.OpenUploadAsync(tampered), HttpStatusCode.Unauthorized, "signature");
        Assert.Equal(0, await UploadsOfAsync(Carol));

        // A replayed opening opens nothing more.
        var (uploadId, open) = UploadRequests.Open(Carol, file);
        Assert.Equal(HttpStatusCode.Created, (await Client.OpenUploadAsync(open)).StatusCode);
        await AssertProblemAsync(await Client.OpenUploadAsync(open), HttpStatusCode.Conflict, "nonce");
        Assert.Equal(1, await UploadsOfAsync(Carol));
        Assert.Equal(uploadId, await service.ScalarAsync<string>("SELECT upload_id FROM contributions.uploads WHERE contributor = @id", AnvilNode.DevAddresses[Carol]));
    }

    [Fact]
    public async Task A_contributor_has_a_bounded_number_of_uploads_and_bytes_in_flight()
    {
        var big = UploadRequests.RandomFile(5 * UploadsService.PartBytes, UploadsService.PartBytes);
        await OpenAsync(Limited, big);
        await OpenAsync(Limited, big);
        // 10 MiB announced: 5 more would pass the 12 allowed in flight.
        await AssertProblemAsync(await Client.OpenUploadAsync(UploadRequests.Open(Limited, big).Body), HttpStatusCode.TooManyRequests, "contributor");
        var small = UploadRequests.RandomFile(1000, UploadsService.PartBytes);
        await OpenAsync(Limited, small);
        await AssertProblemAsync(await Client.OpenUploadAsync(UploadRequests.Open(Limited, small).Body), HttpStatusCode.TooManyRequests, "contributor");
        Assert.Equal(UploadsService.MaxOpen, await UploadsOfAsync(Limited));
        // Another contributor is not held back by these.
        await OpenAsync(Dave, small);
    }

    [Fact]
    public async Task Completions_that_do_not_match_the_upload_are_refused_and_store_nothing()
    {
        var file = UploadRequests.RandomFile(2 * UploadsService.PartBytes, UploadsService.PartBytes);
        var uploadId = await OpenAsync(Erin, file);
        Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(uploadId, 0, file.Parts[0])).StatusCode);

        async Task RefusedAsync((string Id, System.Text.Json.Nodes.JsonObject Body) contribution, HttpStatusCode status, string field)
        {
            await AssertProblemAsync(await Client.SubmitAsync(contribution.Body), status, field);
            Assert.Equal(0, await service.CountEventsAsync("contributions/" + contribution.Id));
        }

        await RefusedAsync(UploadRequests.Completing(Erin, file.ContentHash, uploadId), HttpStatusCode.Conflict, "upload"); // a part missing
        foreach (var index in Enumerable.Range(1, file.Parts.Count - 1))
            Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(uploadId, index, file.Parts[index])).StatusCode);
        await RefusedAsync(UploadRequests.Completing(Erin, UploadRequests.RandomFile(10, 10).ContentHash, uploadId), HttpStatusCode.Conflict, "contentHash");
        await RefusedAsync(UploadRequests.Completing(Eve, file.ContentHash, uploadId), HttpStatusCode.Forbidden, "upload"); // not hers
        await RefusedAsync(UploadRequests.Completing(Erin, file.ContentHash, "0x" + new string('5', 64)), HttpStatusCode.NotFound, "upload");
        var both = UploadRequests.Completing(Erin, file.ContentHash, uploadId);
        both.Body["content"] = Convert.ToBase64String(file.Parts[0][..100]); // within the inline body bound, so the rule answers
        await RefusedAsync(both, HttpStatusCode.BadRequest, "content");
        var batch = UploadRequests.Completing(Erin, file.ContentHash, uploadId);
        using (var batched = await Client.PostAsJsonAsync("/api/contributions/batch", new { contributions = new[] { batch.Body } }))
        {
            var item = (await batched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0];
            Assert.Equal(400, item.GetProperty("status").GetInt32());
            Assert.Equal(0, await service.CountEventsAsync("contributions/" + batch.Id));
        }
        // Still whole and open: the right contribution completes it.
        Assert.Equal(file.Parts.Count, await PartsStoredAsync(uploadId));
        using var completed = await Client.SubmitAsync(UploadRequests.Completing(Erin, file.ContentHash, uploadId).Body);
        Assert.True(completed.StatusCode == HttpStatusCode.Accepted, await completed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Parts_that_do_not_make_the_announced_content_are_refused_at_completion()
    {
        // Dave signs the manifest of one file and the content hash of another: every part passes, the whole does not.
        var announced = UploadRequests.RandomFile(2 * UploadsService.PartBytes, UploadsService.PartBytes);
        var sent = UploadRequests.RandomFile(2 * UploadsService.PartBytes, UploadsService.PartBytes);
        var (uploadId, open) = UploadRequests.Open(Dave, sent, manifestOf: sent, contentHash: announced.ContentHash);
        Assert.Equal(HttpStatusCode.Created, (await Client.OpenUploadAsync(open)).StatusCode);
        foreach (var (part, index) in sent.Parts.Select((p, i) => (p, i)))
            Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(uploadId, index, part)).StatusCode);

        var (id, contribution) = UploadRequests.Completing(Dave, announced.ContentHash, uploadId);
        await AssertProblemAsync(await Client.SubmitAsync(contribution), HttpStatusCode.UnprocessableEntity, "upload");
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT count(*) FROM contributions.content WHERE contribution_id = @id", id));
    }

    [Fact]
    public async Task Erasure_destroys_an_open_upload_and_a_completed_ones_content()
    {
        var file = UploadRequests.RandomFile(2 * UploadsService.PartBytes, UploadsService.PartBytes);
        var uploadId = await OpenAsync(Alice, file);
        Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(uploadId, 0, file.Parts[0])).StatusCode);
        var ciphertext = (await service.ScalarAsync<byte[]>("SELECT ciphertext FROM contributions.upload_parts WHERE upload_id = @id", uploadId))!;
        var wrappedKey = (await service.ScalarAsync<byte[]>("SELECT wrapped_key FROM contributions.uploads WHERE upload_id = @id", uploadId))!;

        // Someone else, a forged signature: refused, nothing deleted.
        await AssertProblemAsync(await Client.EraseUploadAsync(uploadId, ContentRequests.Erasure(Eve, uploadId)), HttpStatusCode.Forbidden, "contributor");
        await AssertProblemAsync(await Client.EraseUploadAsync(uploadId, ContentRequests.Erasure(Alice, uploadId, signingKey: Eve)), HttpStatusCode.Unauthorized, "signature");
        Assert.Equal(1, await PartsStoredAsync(uploadId));

        Assert.Equal(HttpStatusCode.OK, (await Client.EraseUploadAsync(uploadId, ContentRequests.Erasure(Alice, uploadId))).StatusCode);
        Assert.Equal(0, await PartsStoredAsync(uploadId));
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT count(*) FROM contributions.uploads WHERE upload_id = @id", uploadId));
        var backup = await service.CopyOfAsync("contributions.upload_parts") + await service.CopyOfAsync("contributions.uploads");
        Assert.DoesNotContain(Convert.ToHexStringLower(ciphertext), backup, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(wrappedKey), backup, StringComparison.Ordinal);
        await AssertProblemAsync(await Client.PutPartAsync(uploadId, 1, file.Parts[1]), HttpStatusCode.NotFound, "id");

        // Completed: the upload is a contribution, erased as every contribution is.
        var done = await OpenAsync(Alice, file);
        foreach (var (part, index) in file.Parts.Select((p, i) => (p, i)))
            Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(done, index, part)).StatusCode);
        var (id, contribution) = UploadRequests.Completing(Alice, file.ContentHash, done);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SubmitAsync(contribution)).StatusCode);
        await AssertProblemAsync(await Client.EraseUploadAsync(done, ContentRequests.Erasure(Alice, done)), HttpStatusCode.Conflict, "id");
        Assert.Equal(HttpStatusCode.OK, (await Client.EraseAsync(id, ContentRequests.Erasure(Alice, id))).StatusCode);
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT count(*) FROM contributions.content WHERE contribution_id = @id", id));
        Assert.Equal(0, await PartsStoredAsync(done));
    }

    [Fact]
    public async Task A_small_upload_reaches_quality_scoring_whole_as_inline_content_does()
    {
        // Sealed in segments, not whole: the handoff reads it streamed, on its own, beside the batch read of inline ones.
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var file = UploadRequests.RandomFile(40_000, 16_384);
        var uploadId = await OpenAsync(Alice, file);
        foreach (var (part, index) in file.Parts.Select((p, i) => (p, i)))
            Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(uploadId, index, part)).StatusCode);
        var (id, contribution) = UploadRequests.Completing(Alice, file.ContentHash, uploadId);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SubmitAsync(contribution)).StatusCode);
        Assert.NotNull(await service.ScalarAsync<int?>("SELECT segment_size FROM contributions.content WHERE contribution_id = @id", id));

        var handedOver = new List<(string ContributionId, string Content)>();
        await Eventually.MatchesAsync(async () =>
        {
            handedOver.AddRange(await HandedOverContents.TakeAsync(tap));
            return handedOver;
        }, h => h.Any(m => m.ContributionId == id), "the upload's content handed over");
        Assert.Equal(file.Content, Convert.FromBase64String(handedOver.Last(m => m.ContributionId == id).Content));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_upload_endpoints()
    {
        var document = await Client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/uploads/{id}/parts/{index}", document);
        Assert.Contains("/api/uploads/{id}/erasure", document);
    }
}
