using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;

namespace Contributions.IntegrationTests;

/// <summary>An upload service of its own: these tests stop it to rotate the master key under it.</summary>
public sealed class RotatingUploadsService : UploadsService;

/// <summary>
/// Master-key rotation while uploads are open, through the real service and PostgreSQL: the rewrap moves the uploads'
/// keys too, so the retired key can be dropped and an upload opened before completes byte for byte; a part sealed
/// again under a key that is not the upload's is refused at completion and changes nothing.
/// </summary>
public sealed class UploadRotationTests(RotatingUploadsService service) : IClassFixture<RotatingUploadsService>
{
    private const int Alice = 1, Bob = 2, Validator = 3;
    private const string NewKeyId = "2026-12";

    private static readonly string NewKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The development key retired and a new one active, rewrapping every 200 ms.</summary>
    private Dictionary<string, string> Rotating => new(service.Settings)
    {
        ["ContentStore:MasterKeys:development"] = DevelopmentMasterKey.Value,
        ["ContentStore:MasterKeys:" + NewKeyId] = NewKey,
        ["ContentStore:ActiveMasterKey"] = NewKeyId,
        ["ContentStore:RewrapInterval"] = "00:00:00.200",
    };

    /// <summary>The retired key dropped from configuration: only the new one is left.</summary>
    private Dictionary<string, string> Retired => new(service.Settings)
    {
        ["ContentStore:MasterKeys:" + NewKeyId] = NewKey,
        ["ContentStore:ActiveMasterKey"] = NewKeyId,
    };

    private async Task<string> OpenAsync(HttpClient client, int key, UploadRequests.File file)
    {
        var (uploadId, body) = UploadRequests.Open(key, file);
        using var opened = await client.OpenUploadAsync(body);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        return uploadId;
    }

    private static async Task SendAsync(HttpClient client, string uploadId, UploadRequests.File file, IEnumerable<int> parts)
    {
        foreach (var index in parts)
        {
            using var stored = await client.PutPartAsync(uploadId, index, file.Parts[index]);
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }
    }

    private Task<long> UnderRetiredKeysAsync() => service.ScalarAsync<long>(
        $"SELECT count(*) FROM contributions.uploads WHERE wrapped_key IS NOT NULL AND master_key_id <> '{NewKeyId}'", "");

    [Fact]
    public async Task An_upload_opened_before_a_rotation_completes_byte_for_byte_after_the_retired_key_is_dropped_and_a_part_sealed_under_a_foreign_key_is_refused()
    {
        var file = UploadRequests.RandomFile(5 * UploadsService.PartBytes, UploadsService.PartBytes);
        var uploadId = await OpenAsync(service.Client, Alice, file);
        await SendAsync(service.Client, uploadId, file, [0, 1, 2]);
        var bobsFile = UploadRequests.RandomFile(2 * UploadsService.PartBytes, UploadsService.PartBytes);
        var bobsUpload = await OpenAsync(service.Client, Bob, bobsFile);
        await SendAsync(service.Client, bobsUpload, bobsFile, Enumerable.Range(0, bobsFile.Parts.Count));
        Assert.Equal("development", await service.ScalarAsync<string>("SELECT master_key_id FROM contributions.uploads WHERE upload_id = @id", uploadId));
        var wrappedBefore = await service.ScalarAsync<byte[]>("SELECT wrapped_key FROM contributions.uploads WHERE upload_id = @id", uploadId);
        var partsBefore = await service.CopyOfAsync("contributions.upload_parts");
        // Its validator is assigned now, while the service that appends to the history is up.
        var (id, contribution) = UploadRequests.Completing(Alice, file.ContentHash, uploadId);
        await service.AppendAsync(("scoring/" + id, new ReviewersAssigned(id, [new AssignedReviewer(AnvilNode.DevAddresses[Validator], 0.5m)], 3, 1,
            DateTimeOffset.UtcNow.AddMinutes(10), "scoring-1", DateTimeOffset.UtcNow)));

        // Rotation: an instance with the new key active moves both uploads' keys; the parts stay as they are.
        await service.StopAsync();
        await using (var rotating = new ContributionsHost(Rotating))
        {
            _ = rotating.CreateClient();
            await Eventually.MatchesAsync(UnderRetiredKeysAsync, n => n == 0, "every open upload's key under the new master key");
        }
        Assert.NotEqual(wrappedBefore, await service.ScalarAsync<byte[]>("SELECT wrapped_key FROM contributions.uploads WHERE upload_id = @id", uploadId));
        Assert.Equal(partsBefore, await service.CopyOfAsync("contributions.upload_parts"));

        // The retired key is gone: the rest of the parts are sealed, the upload completes and reads back whole.
        await using var retired = new ContributionsHost(Retired);
        var client = retired.CreateClient();
        await SendAsync(client, uploadId, file, [3, 4, 5]);
        using (var submitted = await client.SubmitAsync(contribution))
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        using (var read = await client.ReadAsync(id, ContentRequests.Read(Validator, id)))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(file.Content, Convert.FromBase64String((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString()!));
        }

        // Someone who can write the database but holds no master key puts in a part sealed under a key of their own,
        // bound exactly as the service binds parts: it does not open under the upload's key, and nothing changes.
        var foreign = ContentSealing.Seal(ContentSealing.NewKey(), bobsFile.Parts[1], System.Text.Encoding.UTF8.GetBytes($"communityai/upload-part\n{bobsUpload}\n1"));
        await service.ScalarAsync<object>($"UPDATE contributions.upload_parts SET ciphertext = '\\x{Convert.ToHexString(foreign)}' WHERE upload_id = @id AND part_index = 1", bobsUpload);
        var (bobsId, bobsContribution) = UploadRequests.Completing(Bob, bobsFile.ContentHash, bobsUpload);
        using (var refused = await client.SubmitAsync(bobsContribution))
        {
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(refused.StatusCode == HttpStatusCode.UnprocessableEntity, $"expected 422, got {refused.StatusCode}: {problem}");
            Assert.Equal("upload", problem.GetProperty("field").GetString());
        }
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + bobsId));
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT count(*) FROM contributions.content WHERE contribution_id = @id", bobsId));
        Assert.Equal((long)bobsFile.Parts.Count, await service.ScalarAsync<long>(
            "SELECT count(*) FROM contributions.upload_parts p JOIN contributions.uploads u USING (upload_id) WHERE upload_id = @id AND u.completed_by IS NULL AND u.wrapped_key IS NOT NULL", bobsUpload));
        // The service still answers: the refusal did not cost it its database.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/uploads/{bobsUpload}")).StatusCode);
        service.Start();
    }
}
