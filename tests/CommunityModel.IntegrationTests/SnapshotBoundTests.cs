using System.Net;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// The model trains on one snapshot, so a community with more labelled data than a snapshot may hold
/// (Datasets:MaxMembers) cannot train until the bound is raised. The round says so by name, not as "no labelled data",
/// and records nothing.
/// </summary>
public sealed class SnapshotBoundTests(SnapshotBoundTests.Service service) : IClassFixture<SnapshotBoundTests.Service>
{
    public sealed class Service : ModelService
    {
        protected override IReadOnlyDictionary<string, string> ContributionsSettings { get; } =
            new Dictionary<string, string> { ["Datasets:MaxMembers"] = "40" };
    }

    [Fact]
    public async Task A_round_over_more_labelled_data_than_one_snapshot_holds_is_refused_naming_the_bound_and_records_nothing()
    {
        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 81));

        var refused = await service.Client.TrainAsync();
        var body = await refused.Content.ReadAsStringAsync();
        await Answers.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "snapshot");
        Assert.Contains("Too much data for one snapshot", body, StringComparison.Ordinal);
        Assert.Contains("more than 40 contributions match", body, StringComparison.Ordinal);
        Assert.Contains("Datasets:MaxMembers", body, StringComparison.Ordinal);
        Assert.Empty(await service.EventsOfTypeAsync("model_trained"));
        Assert.Equal(0, await service.CountAsync("mt_doc_storedevaluationsalt"));
    }
}
