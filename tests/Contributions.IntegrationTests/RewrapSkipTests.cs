using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.Telemetry;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// A master-key rotation over a table with one damaged wrapped key: the damaged row is skipped, left exactly as it was
/// and reported by id (and counted, for the operators' dashboard), and every other row is rewrapped; the gauge of rows
/// left under the retired key reads the damaged row for as long as it is there, and 0 where every row moved; a replica
/// holding both keys reads content under either. The rewrap counters are the process's and other classes rotate keys
/// too, so this class runs alone.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class RewrapSkipTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private const int Contributor = 1, Validator = 3;
    private const string NewKeyId = "2026-12";

    private async Task<(string Id, byte[] Stored)> SubmitAsync()
    {
        var (id, body) = Signed.Contribution(Contributor, text: "rewrap-" + Guid.NewGuid().ToString("N"));
        using var response = await service.Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await service.AppendAsync(("scoring/" + id, new ReviewersAssigned(id, [new AssignedReviewer(AnvilNode.DevAddresses[Validator], 0.5m)], 3, 1,
            DateTimeOffset.UtcNow.AddMinutes(10), "scoring-1", DateTimeOffset.UtcNow)));
        return (id, Convert.FromBase64String(body["content"]!.GetValue<string>()));
    }

    private async Task<object?> ScalarAsync(string sql, string id)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<byte[]> ReadAsync(HttpClient client, string id)
    {
        using var response = await client.ReadAsync(id, ContentRequests.Read(Validator, id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Convert.FromBase64String((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString()!);
    }

    [Fact]
    public async Task One_damaged_wrapped_key_is_skipped_and_reported_while_the_others_are_rewrapped()
    {
        var stored = new List<(string Id, byte[] Content)>();
        for (var i = 0; i < 4; i++)
            stored.Add(await SubmitAsync());
        var damaged = stored[1].Id;
        await ScalarAsync("UPDATE contributions.content SET wrapped_key = set_byte(wrapped_key, 20, get_byte(wrapped_key, 20) # 1) WHERE contribution_id = @id", damaged);
        var damagedRow = (byte[])(await ScalarAsync("SELECT wrapped_key FROM contributions.content WHERE contribution_id = @id", damaged))!;
        // And one open upload, whose key moves with the contributions'.
        var (uploadId, opening) = UploadRequests.Open(Contributor, UploadRequests.RandomFile(2048, 1024));
        using (var opened = await service.Client.OpenUploadAsync(opening))
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);

        // A replica with both keys, the new one active: its leader rewraps, and it reads content under either key.
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var rotated = new Dictionary<string, string>(service.Settings)
        {
            ["ContentStore:MasterKeys:development"] = CommunityAI.Contributions.Domain.DevelopmentMasterKey.Value,
            ["ContentStore:MasterKeys:" + NewKeyId] = newKey,
            ["ContentStore:ActiveMasterKey"] = NewKeyId,
            ["ContentStore:RewrapInterval"] = "00:00:00.200",
        };
        using var rewrapped = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.ContentRewrappedName);
        using var skipped = new CounterWatch(CommunityTelemetry.MeterName, CommunityMetrics.ContentRewrapSkippedName);
        using var pending = new GaugeWatch(CommunityTelemetry.MeterName, CommunityMetrics.ContentRewrapPendingName);
        await service.StopAsync();
        try
        {
            await using var rotating = new ContributionsHost(rotated);
            var client = rotating.CreateClient();
            var status = rotating.Services.GetRequiredService<RewrapStatus>();
            await Eventually.MatchesAsync(() => Task.FromResult(status.Skipped.Select(s => s.Id).ToArray()),
                ids => ids.SequenceEqual([damaged]), "the damaged row reported by id");
            await Eventually.MatchesAsync(async () => Convert.ToInt64(await ScalarAsync(
                    $"SELECT count(*) FROM contributions.content WHERE master_key_id <> '{NewKeyId}' AND contribution_id <> @id", damaged)),
                n => n == 0, "every other data key under the new master key");
            await Eventually.MatchesAsync(() => Task.FromResult(rewrapped.Total(("table", ContentStore.TableName))), n => n == 3,
                "the three sound rows counted as rewrapped");

            // The damaged row is exactly as it was, under the old key; /health reports it (degraded) and names it.
            Assert.Equal("development", await ScalarAsync("SELECT master_key_id FROM contributions.content WHERE contribution_id = @id", damaged));
            Assert.Equal(damagedRow, await ScalarAsync("SELECT wrapped_key FROM contributions.content WHERE contribution_id = @id", damaged));
            var health = (await rotating.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "content-rewrap")).Entries["content-rewrap"];
            Assert.Equal(HealthStatus.Degraded, health.Status);
            Assert.Contains(damaged, health.Description, StringComparison.Ordinal);

            foreach (var (id, content) in stored.Where(s => s.Id != damaged))
                Assert.Equal(content, await ReadAsync(client, id));

            // What the dashboard sees, exactly: three moved and the open upload, the damaged row once under the key it
            // holds up, though the loop has run several rounds since (a row is not counted again within the term).
            await Task.Delay(TimeSpan.FromSeconds(1)); // five rewrap intervals
            Assert.Equal(3, rewrapped.Total(("table", ContentStore.TableName)));
            Assert.Equal(1, skipped.Total(("table", ContentStore.TableName), ("master_key", "development")));
            Assert.Equal(1, skipped.Total());
            Assert.Equal(1, rewrapped.Total(("table", UploadStore.UploadsTable)));
            Assert.Equal(NewKeyId, await ScalarAsync("SELECT master_key_id FROM contributions.uploads WHERE upload_id = @id", uploadId));

            // What the alert sees, still, five rounds on: one row left under the retired key in the contents, none in the
            // uploads (0, so that table no longer holds the key up), nothing under the active key; the leader alone reports.
            Assert.Equal([1L], pending.Read(("table", ContentStore.TableName), ("master_key", "development")));
            Assert.Equal([0L], pending.Read(("table", UploadStore.UploadsTable), ("master_key", "development")));
            Assert.Empty(pending.Read(("master_key", NewKeyId)));

            // A rolling restart half done: a replica that holds both keys but still has the old one active, next to the
            // leader that rewrapped, reads the content now under the new key; the damaged row stays refused, not guessed at.
            var halfway = new Dictionary<string, string>(rotated) { ["ContentStore:ActiveMasterKey"] = "development" };
            await using var older = new ContributionsHost(halfway);
            var olderClient = older.CreateClient();
            Assert.Equal(NewKeyId, await ScalarAsync("SELECT master_key_id FROM contributions.content WHERE contribution_id = @id", stored[0].Id));
            Assert.Equal(stored[0].Content, await ReadAsync(olderClient, stored[0].Id));
            using var refused = await olderClient.ReadAsync(damaged, ContentRequests.Read(Validator, damaged));
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.Equal([1L], pending.Read(("table", ContentStore.TableName), ("master_key", "development")));

            // The contributor erases the damaged contribution (the runbook's way out when no backup has it): the next
            // round counts 0 under the retired key, though this term's list of skipped rows still names the row.
            using (var erased = await client.EraseAsync(damaged, ContentRequests.Erasure(Contributor, damaged)))
                Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
            await Eventually.MatchesAsync(() => Task.FromResult(pending.Read(("table", ContentStore.TableName), ("master_key", "development"))),
                values => values.SequenceEqual([0L]), "no row left under the retired key once the damaged one is erased");
            Assert.Contains(status.Skipped, s => s.Id == damaged);
        }
        finally
        {
            service.Start();
        }
    }
}
