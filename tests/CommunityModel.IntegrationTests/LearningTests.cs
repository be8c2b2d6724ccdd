using System.Net;
using System.Text.Json;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// A community adds labelled data over two rounds: the new model measures better than the champion on the private
/// held-out examples neither was trained on, so it becomes the champion and serves predictions.
/// </summary>
public sealed class LearningTests(ModelService service) : IClassFixture<ModelService>
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task More_contributed_data_gives_a_model_that_measures_better_than_the_champion_and_then_serves_predictions()
    {
        // The corpus is generated in order, so the larger set begins with the smaller one: round two adds to round one.
        // A weak first model (40 examples) against one with ten times the data. With 160 in all, the examples both models
        // left out (about 26) decided the comparison like a coin toss in about one round salt in a hundred (both once at
        // 4,762 bp on 21 of them); with 400, the gain was at least 4,000 bp in 500 simulated salts.
        var all = CommunityTexts.Examples(100, seed: 3);
        await service.ContributeAsync(all.Take(40));
        var first = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);

        await service.ContributeAsync(all.Skip(40));
        var second = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);

        Assert.Equal(2, (await service.EventsOfTypeAsync("model_trained")).Count);
        Assert.Equal(400, second.GetProperty("memberCount").GetInt32());
        var evaluations = (await service.EventsOfTypeAsync("model_evaluated")).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal(2, evaluations.Count);
        Assert.True(evaluations[0].GetProperty("becameChampion").GetBoolean()); // the first model: there was no champion
        var gain = evaluations[1];
        var (compared, challenger, champion) = (gain.GetProperty("comparedCount").GetInt32(), gain.GetProperty("challengerComparedBasisPoints").GetInt32(),
            gain.GetProperty("championComparedBasisPoints").GetInt32());
        Assert.Equal(first.GetProperty("modelHash").GetString(), gain.GetProperty("championModelHash").GetString());
        // How many examples both models left out depends on the round's random salt (about 73 on average here, never below
        // 49 in 500 simulated salts): the floor only asks for a sample, set where a random salt cannot fall below it; the
        // gain is the claim.
        Assert.True(compared >= 30 && challenger > champion && gain.GetProperty("becameChampion").GetBoolean(),
            $"on {compared} held-out examples neither trained on: {challenger} bp with 400 examples against the champion's {champion} bp with 40");

        // The newer model is the one served.
        var current = await Answers.OkAsync(await Client.GetAsync("/api/model"));
        Assert.Equal(second.GetProperty("modelHash").GetString(), current.GetProperty("modelHash").GetString());
        var prediction = await Answers.OkAsync(await Client.PredictAsync("thanks, the portal is awesome"), HttpStatusCode.Created);
        Assert.Equal(second.GetProperty("modelHash").GetString(), prediction.GetProperty("modelHash").GetString());
    }
}
