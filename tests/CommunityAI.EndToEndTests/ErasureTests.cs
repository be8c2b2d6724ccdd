using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// Erasure through the whole system: a contribution is scored, rewarded and anchored; its contributor erases it; the
/// content is gone from every API and from the database, the reward stays, and the auditors' tool still verifies the
/// log against the chain and replays every reward.
/// </summary>
public sealed class ErasureTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    private const int Contributor = 6;

    [Fact]
    public async Task An_erased_contribution_keeps_its_reward_and_every_proof_while_its_content_is_gone()
    {
        var marker = "erase-me-" + Guid.NewGuid().ToString("N");
        var (id, body) = SignedContributions.Make(Contributor, nonce: 1, marker + " is a contribution its author will take back");
        (await system.Contributions.PostAsJsonAsync("/api/contributions", body)).EnsureSuccessStatusCode();
        var rewarded = await Eventually.MatchesAsync(() => system.Contributions.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            // An anchor may cover the contribution before its reward: wait for the reward itself.
            v => v.GetProperty("reward").ValueKind == JsonValueKind.String, "the contribution to be rewarded", TimeSpan.FromSeconds(90));
        var reward = rewarded.GetProperty("reward").GetString();

        var erasure = new ErasurePayload(AnvilNode.DevAddresses[Contributor], id, 1, (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        using var erased = await system.Contributions.PostAsJsonAsync($"/api/contributions/{id}/erasure", new
        {
            erasure.Contributor, erasure.Nonce, erasure.Deadline,
            signature = TypedDataSigner.Sign(erasure, TestChain.Domain, AnvilNode.DevPrivateKeys[Contributor]),
        });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        // No API serves it: the content door answers 410 Gone, and the history, the log and the content table hold nothing of it.
        var read = new ContentReadPayload(AnvilNode.DevAddresses[3], id, 1, (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        using var refused = await system.Contributions.PostAsJsonAsync($"/api/contributions/{id}/content", new
        {
            read.Reader, read.Nonce, read.Deadline, signature = TypedDataSigner.Sign(read, TestChain.Domain, AnvilNode.DevPrivateKeys[3]),
        });
        Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM contributions.content WHERE contribution_id = @p", id));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM history.mt_events WHERE data::text LIKE '%' || @p || '%'", marker));
        await Eventually.MatchesAsync(() => CountAsync(
            "SELECT count(*) FROM chainbridge.log_entries l JOIN history.mt_events e ON e.seq_id = l.seq_id WHERE e.stream_id = 'contributions/' || @p AND e.type = 'contribution_erased'", id),
            n => n == 1, "the erasure to be logged", TimeSpan.FromSeconds(30));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM chainbridge.log_entries WHERE convert_from(entry, 'UTF8') LIKE '%' || @p || '%'", marker));

        // Rewards already earned stay, and every proof still holds.
        Assert.Equal(reward, (await system.Contributions.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}")).GetProperty("reward").GetString());
        await HistoryInvariants.AssertAuditPassesAsync(system.History, system.Chain.RpcUrl);
    }

    private async Task<long> CountAsync(string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
