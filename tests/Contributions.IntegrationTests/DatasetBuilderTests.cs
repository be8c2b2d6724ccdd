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

/// <summary>The service with builder 5 admitted by the operator's setting, for the community's removal votes.</summary>
public sealed class BuilderRemovalService : ContributionsService
{
    public const int Configured = 5, Voted = 6, NeverAdmitted = 7;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => new Dictionary<string, string>
    {
        ["Datasets:Builders:0"] = AnvilNode.DevAddresses[Configured],
        ["Intake:Licences:0"] = BuilderAdmissionService.Licence,
    };
}

/// <summary>
/// The community removes a builder however it was admitted (a stored <c>dataset-builder-removal</c> activation), and
/// what it removed the operator's setting cannot bring back: only an admission vote can.
/// </summary>
public sealed class DatasetBuilderRemovalTests(BuilderRemovalService service) : IClassFixture<BuilderRemovalService>
{
    [Fact]
    public async Task A_builder_voted_out_may_not_snapshot_a_restart_with_the_setting_does_not_readmit_it_and_an_admission_vote_does()
    {
        var (id, body) = Signed.Contribution(1, text: "removals-" + Guid.NewGuid().ToString("N"), licence: BuilderAdmissionService.Licence);
        using (var accepted = await service.Client.PostAsJsonAsync("/api/contributions", body))
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await service.AppendAsync(("scoring/" + id, new ContributionScored(id, AnvilNode.DevAddresses[1], "data", 80, "scoring-1", DateTimeOffset.UtcNow)));
        await service.AppendAsync(("governance/proposals/0x" + new string('a', 64), Activation('a', DatasetBuilders.AdmissionKind, BuilderRemovalService.Voted)));
        await Eventually.MatchesAsync(
            () => service.Client.SnapshotAsync(DatasetRequests.Snapshot(BuilderRemovalService.Voted, "data", 0, BuilderAdmissionService.Licence)),
            response => response.StatusCode == HttpStatusCode.Created, "the voted builder's snapshot to be accepted");
        await AssertAdmittedAsync(service.Client, BuilderRemovalService.Configured, true);

        await service.AppendAsync(
            ("governance/proposals/0x" + new string('b', 64), Activation('b', DatasetBuilders.RemovalKind, BuilderRemovalService.Configured)),
            ("governance/proposals/0x" + new string('c', 64), Activation('c', DatasetBuilders.RemovalKind, BuilderRemovalService.Voted)),
            ("governance/proposals/0x" + new string('d', 64), Activation('d', DatasetBuilders.RemovalKind, BuilderRemovalService.NeverAdmitted)),
            // The right kind outside governance's streams removes nobody.
            ("scoring/forged-removal", Activation('e', DatasetBuilders.RemovalKind, 1)));

        await Eventually.MatchesAsync(() => RemovalsAsync(), r => r.Count == 3, "three removals by vote");
        await AssertAdmittedAsync(service.Client, BuilderRemovalService.Configured, false);
        await AssertAdmittedAsync(service.Client, BuilderRemovalService.Voted, false);
        Assert.Equal(
            [(AnvilNode.DevAddresses[BuilderRemovalService.Configured], "0x" + new string('b', 64)),
             (AnvilNode.DevAddresses[BuilderRemovalService.Voted], "0x" + new string('c', 64)),
             (AnvilNode.DevAddresses[BuilderRemovalService.NeverAdmitted], "0x" + new string('d', 64))],
            (await RemovalsAsync()).Select(r => (r.Builder, r.ProposalId)));

        // The operator's setting still lists builder 5, and a restart reconciles it: the community's removal stands.
        await using (var restarted = new ContributionsHost(service.Settings))
        {
            using var client = restarted.CreateClient();
            await AssertAdmittedAsync(client, BuilderRemovalService.Configured, false);
        }
        Assert.Equal(1, (await EventsAsync()).OfType<DatasetBuilderAdmitted>().Count(a => a.By == DatasetBuilderAdmitted.ByConfiguration));

        // A vote admits it again, and a second removal vote for the never-admitted address records nothing more.
        await service.AppendAsync(
            ("governance/proposals/0x" + new string('f', 64), Activation('f', DatasetBuilders.AdmissionKind, BuilderRemovalService.Configured)),
            ("governance/proposals/0x" + new string('9', 64), Activation('9', DatasetBuilders.RemovalKind, BuilderRemovalService.NeverAdmitted)));
        await Eventually.MatchesAsync(
            () => service.Client.SnapshotAsync(DatasetRequests.Snapshot(BuilderRemovalService.Configured, "data", 0, BuilderAdmissionService.Licence)),
            response => response.StatusCode != HttpStatusCode.Forbidden, "the builder voted back in to be admitted");
        Assert.Equal(3, (await RemovalsAsync()).Count);
    }

    /// <summary>Admitted: past the builder check (created, or 409 for members another builder snapshotted); refused: 403 naming the builder.</summary>
    private static async Task AssertAdmittedAsync(HttpClient client, int builder, bool admitted)
    {
        using var response = await client.SnapshotAsync(DatasetRequests.Snapshot(builder, "data", 0, BuilderAdmissionService.Licence));
        Assert.True((response.StatusCode != HttpStatusCode.Forbidden) == admitted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static PolicyActivated Activation(char id, string kind, int builder) => new("0x" + new string(id, 64), kind,
        JsonSerializer.Serialize(new { builder = AnvilNode.DevAddresses[builder] }), "0x" + new string('0', 64), DateTimeOffset.UtcNow);

    private async Task<List<DatasetBuilderRemoved>> RemovalsAsync() =>
        [.. (await EventsAsync()).OfType<DatasetBuilderRemoved>().Where(r => r.By == DatasetBuilderAdmitted.ByGovernance)];

    private async Task<List<object>> EventsAsync()
    {
        await using var session = service.Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        return [.. (await session.Events.FetchStreamAsync(DatasetBuilders.Stream)).Select(e => e.Data)];
    }
}
