using System.Net;

namespace CommunityModel.IntegrationTests;

/// <summary>A community adds labelled data over two rounds, and the recorded held-out accuracy rises.</summary>
public sealed class LearningTests(ModelService service) : IClassFixture<ModelService>
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task More_contributed_data_gives_a_model_with_higher_recorded_accuracy_which_then_serves_predictions()
    {
        // The corpus is generated in order, so the larger set begins with the smaller one: round two adds to round one.
        var all = CommunityTexts.Examples(20, seed: 3);
        await service.ContributeAsync(all.Take(16));
        var first = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);

        await service.ContributeAsync(all.Skip(16));
        var second = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);

        var (before, after) = (first.GetProperty("accuracyBasisPoints").GetInt32(), second.GetProperty("accuracyBasisPoints").GetInt32());
        Assert.True(after > before + 1000, $"recorded accuracy {before} bp with 16 examples, {after} bp with 80");
        Assert.Equal(2, (await service.EventsOfTypeAsync("model_trained")).Count);
        Assert.Equal(80, second.GetProperty("memberCount").GetInt32());

        // The newer model is the one served.
        var current = await Answers.OkAsync(await Client.GetAsync("/api/model"));
        Assert.Equal(second.GetProperty("modelHash").GetString(), current.GetProperty("modelHash").GetString());
        var prediction = await Answers.OkAsync(await Client.PredictAsync("thanks, the portal is awesome"), HttpStatusCode.Created);
        Assert.Equal(second.GetProperty("modelHash").GetString(), prediction.GetProperty("modelHash").GetString());
    }
}
