using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Datasets;
using Microsoft.Extensions.DependencyInjection;

namespace Contributions.IntegrationTests;

/// <summary>The service with builder 5 admitted by the operator's setting, and contributions under its own licence.</summary>
public sealed class BuilderAdmissionService : ContributionsService
{
    public const int Configured = 5, Voted = 6, Forged = 7;
    public const string Licence = "DSB-1.0";

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => new Dictionary<string, string>
    {
        ["Datasets:Builders:0"] = AnvilNode.DevAddresses[Configured],
        ["Intake:Licences:0"] = Licence,
    };
}

/// <summary>
/// Who may build datasets is in the history: the operator's setting is recorded at start, and a builder the community
/// votes in (a stored <c>dataset-builder-admission</c> activation in governance's streams) is admitted by the service
/// itself. An activation anywhere else, or one naming nobody, admits nobody.
/// </summary>
public sealed class DatasetBuilderTests(BuilderAdmissionService service) : IClassFixture<BuilderAdmissionService>
{
    [Fact]
    public async Task A_builder_voted_in_may_snapshot_and_an_admission_outside_governances_streams_admits_nobody()
    {
        var (id, body) = Signed.Contribution(1, text: "builders-" + Guid.NewGuid().ToString("N"), licence: BuilderAdmissionService.Licence);
        using (var accepted = await service.Client.PostAsJsonAsync("/api/contributions", body))
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await service.AppendAsync(("scoring/" + id, new ContributionScored(id, AnvilNode.DevAddresses[1], "data", 80, "scoring-1", DateTimeOffset.UtcNow)));

        await AssertRefusedAsync(BuilderAdmissionService.Voted);
        await service.AppendAsync(
            // Forged: the right kind in quality-scoring's stream, and a governance activation naming no address.
            ("scoring/forged-admission", Activation(BuilderAdmissionService.Forged)),
            ("governance/proposals/0x" + new string('b', 64), new PolicyActivated("0x" + new string('b', 64), DatasetBuilders.AdmissionKind,
                """{"builder":"nobody"}""", "0x" + new string('0', 64), DateTimeOffset.UtcNow)),
            ("governance/proposals/0x" + new string('a', 64), Activation(BuilderAdmissionService.Voted)));

        var snapshot = await Eventually.MatchesAsync(
            () => service.Client.SnapshotAsync(DatasetRequests.Snapshot(BuilderAdmissionService.Voted, "data", 0, BuilderAdmissionService.Licence)),
            response => response.StatusCode == HttpStatusCode.Created, "the voted builder's snapshot to be accepted");
        Assert.Equal(AnvilNode.DevAddresses[BuilderAdmissionService.Voted], (await snapshot.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("builder").GetString());
        await AssertRefusedAsync(BuilderAdmissionService.Forged);

        var admissions = await AdmissionsAsync();
        Assert.Equal(
            [(AnvilNode.DevAddresses[BuilderAdmissionService.Configured], DatasetBuilderAdmitted.ByConfiguration, (string?)null),
             (AnvilNode.DevAddresses[BuilderAdmissionService.Voted], DatasetBuilderAdmitted.ByGovernance, "0x" + new string('a', 64))],
            admissions.Select(a => (a.Builder, a.By, a.ProposalId)));
    }

    [Fact]
    public async Task The_setting_is_recorded_once_across_replicas_and_a_builder_taken_out_of_it_is_removed()
    {
        await using (var replica = new ContributionsHost(service.Settings))
            _ = replica.CreateClient();
        Assert.Single(await AdmissionsAsync(), a => a.By == DatasetBuilderAdmitted.ByConfiguration);

        // The operator takes builder 5 out of the setting and restarts: the removal is recorded and its requests refused.
        var settings = service.Settings.Where(s => s.Key != "Datasets:Builders:0").ToDictionary();
        await using var restarted = new ContributionsHost(settings);
        using var client = restarted.CreateClient();
        var snapshot = await client.SnapshotAsync(DatasetRequests.Snapshot(BuilderAdmissionService.Configured, "data", 0, BuilderAdmissionService.Licence));
        Assert.Equal(HttpStatusCode.Forbidden, snapshot.StatusCode);
        Assert.Equal(1, await service.CountEventsOfTypeAsync("dataset_builder_removed"));
    }

    private async Task AssertRefusedAsync(int builder)
    {
        using var refused = await service.Client.SnapshotAsync(DatasetRequests.Snapshot(builder, "data", 0, BuilderAdmissionService.Licence));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("builder", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    private static PolicyActivated Activation(int builder) => new("0x" + new string('a', 64), DatasetBuilders.AdmissionKind,
        JsonSerializer.Serialize(new { builder = AnvilNode.DevAddresses[builder] }), "0x" + new string('0', 64), DateTimeOffset.UtcNow);

    private async Task<List<DatasetBuilderAdmitted>> AdmissionsAsync()
    {
        await using var session = service.Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(DatasetBuilders.Stream);
        return [.. events.Select(e => e.Data).OfType<DatasetBuilderAdmitted>()];
    }
}
