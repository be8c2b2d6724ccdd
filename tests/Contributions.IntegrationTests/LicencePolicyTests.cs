using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Contracts;

namespace Contributions.IntegrationTests;

/// <summary>
/// The licences a contribution may carry are the community's: the newest scoring policy quality-scoring recorded in the
/// history (a vote changes it after genesis) decides them at intake, over HTTP and in a batch alike; the configured list
/// holds only while that policy names none. A class of its own: it changes the policy in force for its database.
/// </summary>
public sealed class LicencePolicyTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private const string Stream = "scoring/policies";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static ScoringPolicyPublished Policy(string version, IReadOnlyList<string>? licences, DateTimeOffset? publishedAt = null) => new(
        version, AutomatedWeight: 30, ReviewersPerContribution: 3, Quorum: 2, ReviewWindow: TimeSpan.FromHours(24), ClipDistance: 20,
        ReputationStart: 0.5m, ReputationFloor: 0.05m, ReputationRate: 0.2m, NearDuplicateThreshold: 0.8, ShingleLength: 5,
        MinHashFunctions: 128, LshBands: 32, MinTextLength: 40, Kinds: new Dictionary<string, KindRule>(), PublishedAt: publishedAt ?? DateTimeOffset.UtcNow,
        Licences: licences);

    private async Task<JsonElement> InForceAsync() => await service.Client.GetFromJsonAsync<JsonElement>("/api/contributions/licences");

    private async Task WaitForAsync(string? policyVersion) => await Eventually.MatchesAsync(InForceAsync,
        allowed => (allowed.GetProperty("policyVersion").ValueKind == JsonValueKind.Null ? null : allowed.GetProperty("policyVersion").GetString()) == policyVersion,
        $"intake took up {policyVersion ?? "the configured list"}", Patience);

    [Fact]
    public async Task A_voted_licence_list_replaces_the_configured_one_at_intake_and_a_later_policy_without_one_restores_it()
    {
        // Genesis: the configured list (the default one here), and quality-scoring's genesis policy names none.
        await service.AppendAsync((Stream, Policy("scoring-1", null)));
        var genesis = await InForceAsync();
        Assert.Equal(JsonValueKind.Null, genesis.GetProperty("policyVersion").ValueKind);
        Assert.Contains(TestChain.Licence, genesis.GetProperty("licences").EnumerateArray().Select(l => l.GetString()));
        var (_, before) = Signed.Contribution(licence: "GPL-3.0-only");
        using (var refused = await service.Client.PostAsJsonAsync("/api/contributions", before))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        // The community votes a policy that accepts copyleft and public-domain data only (recorded a while ago, so the
        // audit's grace after a change is over by the time the operator plants a contribution below).
        await service.AppendAsync((Stream, Policy("scoring-2", ["GPL-3.0-only", "CC0-1.0"], DateTimeOffset.UtcNow.AddMinutes(-5))));
        await WaitForAsync("scoring-2");
        Assert.Equal(["GPL-3.0-only", "CC0-1.0"], (await InForceAsync()).GetProperty("licences").EnumerateArray().Select(l => l.GetString()));

        var (acceptedId, accepted) = Signed.Contribution(licence: "GPL-3.0-only");
        using (var response = await service.Client.PostAsJsonAsync("/api/contributions", accepted))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("GPL-3.0-only", await service.LicenceOfAsync(acceptedId));

        // The configured list no longer counts: a licence only it allows is refused, named, and nothing is recorded.
        var (refusedId, old) = Signed.Contribution(licence: TestChain.Licence);
        using (var response = await service.Client.PostAsJsonAsync("/api/contributions", old))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.EndsWith("the policy in force allows: GPL-3.0-only, CC0-1.0", problem.GetProperty("errors").GetProperty("licence")[0].GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + refusedId));

        // A batch is held to the same list, item by item.
        var (batchOk, okBody) = Signed.Contribution(licence: "CC0-1.0");
        var (batchNo, noBody) = Signed.Contribution(licence: "MIT");
        using (var response = await service.Client.PostAsync(BatchRequests.Body([okBody, noBody])))
        {
            var items = await BatchRequests.ItemsAsync(response);
            Assert.Equal([202, 400], items.Select(i => i.Status));
        }
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + batchOk));
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + batchNo));

        // The audit holds every recorded licence to the list in force: the honest history passes.
        var honest = await ReplayAsync();
        Assert.True(honest.Code == 0, honest.Output);
        var licences = JsonDocument.Parse(honest.Output).RootElement.GetProperty("licences");
        Assert.Equal(2, licences.GetProperty("checked").GetInt32());
        Assert.Equal(0, licences.GetProperty("findings").GetArrayLength());

        // An operator who writes the history directly records a properly signed contribution under a licence the vote
        // dropped: its signature holds, and replay names the licence.
        var (plantedId, planted) = Signed.Contribution(keyIndex: 2, licence: TestChain.Licence);
        await service.AppendAsync(("contributions/" + plantedId, new ContributionSubmitted(plantedId, planted["contributor"]!.GetValue<string>(), "data",
            planted["contentHash"]!.GetValue<string>(), planted["contentUri"]!.GetValue<string>(), planted["nonce"]!.GetValue<string>(),
            (long)planted["deadline"]!.GetValue<ulong>(), planted["signature"]!.GetValue<string>(), null, DateTimeOffset.UtcNow, Licence: TestChain.Licence)));
        var audited = await ReplayAsync();
        Assert.True(audited.Code == 1, audited.Output);
        var findings = JsonDocument.Parse(audited.Output).RootElement.GetProperty("licences").GetProperty("findings").EnumerateArray().ToList();
        var finding = Assert.Single(findings);
        Assert.Equal("licence not allowed", finding.GetProperty("what").GetString());
        Assert.Contains(plantedId, finding.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A later policy that leaves the list out takes the default: the configured genesis list again.
        await service.AppendAsync((Stream, Policy("scoring-3", null)));
        await WaitForAsync(null);
        var (_, again) = Signed.Contribution(licence: TestChain.Licence);
        using (var response = await service.Client.PostAsJsonAsync("/api/contributions", again))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<(int Code, string Output)> ReplayAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AuditApp.RunAsync(["replay", "--database", service.History, "--json"], output, error);
        return (code, output + error.ToString());
    }

    [Fact]
    public async Task A_policy_event_outside_quality_scorings_policy_stream_changes_nothing()
    {
        // Written where a policy is not recorded (a governance stream): intake reads quality-scoring's stream only, which the
        // database lets no other service write.
        await service.AppendAsync(("governance/forged-licences", Policy("scoring-99", ["LicenseRef-forged"])));
        await Task.Delay(TimeSpan.FromSeconds(6)); // past the intake's refresh interval
        var allowed = await InForceAsync();
        Assert.DoesNotContain("LicenseRef-forged", allowed.GetProperty("licences").EnumerateArray().Select(l => l.GetString()));
        var (id, body) = Signed.Contribution(licence: "LicenseRef-forged");
        using (var response = await service.Client.PostAsJsonAsync("/api/contributions", body))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }
}
