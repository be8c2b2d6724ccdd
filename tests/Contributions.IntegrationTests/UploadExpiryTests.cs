using System.Net;

namespace Contributions.IntegrationTests;

/// <summary>Uploads that live five seconds, swept every 200 ms.</summary>
public sealed class ShortLivedUploadsService : ContributionsService
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => new Dictionary<string, string>
    {
        ["Intake:UploadLifetime"] = "00:00:05",
        ["Intake:UploadSweepInterval"] = "00:00:00.200",
    };
}

/// <summary>An abandoned upload expires: its key and encrypted parts are deleted by the leader, and it takes no more parts.</summary>
public sealed class UploadExpiryTests(ShortLivedUploadsService service) : IClassFixture<ShortLivedUploadsService>
{
    [Fact]
    public async Task An_abandoned_upload_expires_and_its_key_and_parts_are_deleted()
    {
        var file = UploadRequests.RandomFile(3000, 1024);
        var (uploadId, open) = UploadRequests.Open(1, file);
        Assert.Equal(HttpStatusCode.Created, (await service.Client.OpenUploadAsync(open)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await service.Client.PutPartAsync(uploadId, 0, file.Parts[0])).StatusCode);

        await Eventually.MatchesAsync(() => CountAsync(uploadId), n => n == 0, "the upload and its parts deleted", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.PutPartAsync(uploadId, 1, file.Parts[1])).StatusCode);
        var (id, contribution) = UploadRequests.Completing(1, file.ContentHash, uploadId);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.SubmitAsync(contribution)).StatusCode);
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    private async Task<long> CountAsync(string uploadId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT (SELECT count(*) FROM contributions.uploads WHERE upload_id = @id) + (SELECT count(*) FROM contributions.upload_parts WHERE upload_id = @id)
            """, connection);
        command.Parameters.AddWithValue("id", uploadId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
