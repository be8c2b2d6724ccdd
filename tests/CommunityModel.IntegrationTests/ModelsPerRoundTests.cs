using System.Net;
using CommunityModel.IntegrationTests.Onnx;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// A flood of model contributions cannot hold a round for long: at most Model:MaxModelsPerRound are run per round,
/// oldest first, and the rest wait for the next round with new data.
/// </summary>
public sealed class ModelsPerRoundTests(ModelsPerRoundTests.Service service) : IClassFixture<ModelsPerRoundTests.Service>
{
    public sealed class Service : ModelService
    {
        protected override IReadOnlyDictionary<string, string> ModelSettings { get; } = new Dictionary<string, string> { ["Model:MaxModelsPerRound"] = "2" };
    }

    [Fact]
    public async Task At_most_the_configured_number_of_models_run_in_a_round_and_the_rest_wait_for_the_next()
    {
        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 41));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        var ids = new List<string>();
        for (var label = 0; label < 3; label++)
            ids.Add(await service.ContributeAsync(TestModels.Constant(CommunityTexts.Labels.Length, label), contributor: 3, kind: "model"));

        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 42));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        // The two submitted first ran; the third waits.
        Assert.Equal(Streams(ids.Take(2)), await EvaluatedAsync());

        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 43));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        Assert.Equal(Streams(ids), await EvaluatedAsync());
    }

    private static List<string> Streams(IEnumerable<string> ids) => ids.Select(id => "model/contributions/" + id).Order(StringComparer.Ordinal).ToList();

    private async Task<List<string>> EvaluatedAsync() =>
        (await service.EventsOfTypeAsync("model_contribution_evaluated")).Select(e => e.Stream).Order(StringComparer.Ordinal).ToList();
}
