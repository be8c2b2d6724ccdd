using System.Net;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// Rounds by themselves: with <c>Model:TrainEvery</c> set, the service's leader trains the community's newly scored data
/// without anyone asking, records nothing when nothing is new, and trains again when new data arrives.
/// </summary>
public sealed class ScheduledTrainingTests(ScheduledModelService service) : IClassFixture<ScheduledModelService>
{
    [Fact]
    public async Task New_scored_data_is_trained_on_by_the_schedule_and_a_turn_with_nothing_new_records_nothing()
    {
        await Answers.AssertProblemAsync(await service.Client.GetAsync("/api/model"), HttpStatusCode.NotFound, "model");
        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 31));

        // Contributions (twelve a label) land one by one, so a turn may train on some of them first; one trains on all 48.
        await Eventually.MatchesAsync(() => MembersTrainedAsync(), m => m.Contains(48), "a scheduled round over all 48", TimeSpan.FromSeconds(60));
        // The newest round is the one over all 48 (it is served only if it measured a gain over an earlier partial one).
        var rounds = await Answers.OkAsync(await service.Client.GetAsync("/api/model/trainings"));
        Assert.Equal(48, rounds[0].GetProperty("trained").GetProperty("memberCount").GetInt32());

        // Several turns with nothing new: nothing trained twice, no evaluation period spent.
        var (trained, periods) = (await CountAsync("model_trained"), await CountAsync("evaluation_split_committed"));
        await Task.Delay(ScheduledModelService.Every * 4);
        Assert.Equal((trained, periods), (await CountAsync("model_trained"), await CountAsync("evaluation_split_committed")));

        await service.ContributeAsync(CommunityTexts.Examples(8, seed: 32));
        await Eventually.MatchesAsync(() => MembersTrainedAsync(), m => m.Contains(80), "a later turn trained on the 32 new examples too", TimeSpan.FromSeconds(60));
        // Every period a round committed is revealed once the round ends (just after its ModelTrained is recorded).
        await Eventually.MatchesAsync(async () => (await CountAsync("evaluation_split_committed"), await CountAsync("evaluation_split_revealed")),
            counts => counts.Item1 == counts.Item2, "every committed period revealed", TimeSpan.FromSeconds(30));
    }

    private async Task<List<int>> MembersTrainedAsync() =>
        [.. (await service.EventsOfTypeAsync("model_trained")).Select(e => System.Text.Json.JsonDocument.Parse(e.Data).RootElement.GetProperty("memberCount").GetInt32())];

    private async Task<int> CountAsync(string type) => (await service.EventsOfTypeAsync(type)).Count;
}

/// <summary>A model service that trains every two seconds by itself.</summary>
public sealed class ScheduledModelService : ModelService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    protected override IReadOnlyDictionary<string, string> ModelSettings { get; } = new Dictionary<string, string>
    {
        ["Model:TrainEvery"] = Every.ToString(),
        // Contributions arriving one by one make a round every turn at first; the hourly bound is not what is tested here.
        ["Model:MaxRoundsPerHour"] = "3600",
    };
}
