using System.Net;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Contracts;
using CommunityAI.Testing;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// <c>communityai-audit replay</c> verifies the signature of every contribution and erasure the real service recorded, and
/// names what an operator with write access to the history could plant: a contribution recorded in another person's name
/// and a signed request recorded twice.
/// </summary>
public sealed class SignatureAuditTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private const int Alice = 1, Bob = 2;

    [Fact]
    public async Task Replay_verifies_every_recorded_signature_and_names_a_contribution_in_someone_elses_name_and_a_replayed_request()
    {
        var alices = await SubmitAsync(Alice);
        var bobs = await SubmitAsync(Bob);
        using (var erased = await service.Client.EraseAsync(alices, ContentRequests.Erasure(Alice, alices)))
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        var honest = await ReplayAsync();
        Assert.True(honest.Code == 0, honest.Output);
        var signatures = JsonDocument.Parse(honest.Output).RootElement.GetProperty("signatures");
        Assert.Equal(2, signatures.GetProperty("verified").GetProperty("contribution").GetInt32());
        Assert.Equal(1, signatures.GetProperty("verified").GetProperty("erasure").GetInt32());

        // The operator records Alice's signed contribution again in Bob's name, and Bob's request a second time.
        var alicesFact = await RecordedAsync(alices);
        var bobsFact = await RecordedAsync(bobs);
        await service.AppendAsync(
            ("contributions/planted", alicesFact with { Contributor = AnvilNode.DevAddresses[Bob] }),
            ("contributions/replayed", bobsFact));

        var planted = await ReplayAsync();
        Assert.True(planted.Code == 1, planted.Output);
        var findings = JsonDocument.Parse(planted.Output).RootElement.GetProperty("signatures").GetProperty("findings").EnumerateArray()
            .Select(f => (What: f.GetProperty("what").GetString(), Detail: f.GetProperty("detail").GetString()!)).ToList();
        Assert.Equal(2, findings.Count);
        // Alice's signature over a message naming Bob recovers to some address nobody holds the key of: not Bob.
        Assert.Contains(findings, f => f.What == "contribution signature"
            && f.Detail.StartsWith($"the contribution of {AnvilNode.DevAddresses[Bob]} recovers to 0x", StringComparison.OrdinalIgnoreCase)
            && !f.Detail.Contains($"recovers to {AnvilNode.DevAddresses[Bob]}", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(findings, f => f.What == "nonce reused" && f.Detail.Contains(AnvilNode.DevAddresses[Bob], StringComparison.OrdinalIgnoreCase));
    }

    private async Task<string> SubmitAsync(int account)
    {
        var (id, body) = Signed.Contribution(account, text: "signed-" + Guid.NewGuid().ToString("N"));
        using var response = await service.Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return id;
    }

    private async Task<ContributionSubmitted> RecordedAsync(string id)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data::text FROM history.mt_events WHERE stream_id = @s AND type = 'contribution_submitted'", connection);
        command.Parameters.AddWithValue("s", "contributions/" + id);
        return JsonSerializer.Deserialize<ContributionSubmitted>((string)(await command.ExecuteScalarAsync())!, JsonSerializerOptions.Web)!;
    }

    private async Task<(int Code, string Output)> ReplayAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AuditApp.RunAsync(["replay", "--database", service.History, "--json"], output, error);
        return (code, output + error.ToString());
    }
}
