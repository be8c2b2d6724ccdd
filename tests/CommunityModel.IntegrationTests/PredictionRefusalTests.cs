using System.Net;
using System.Text;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// Hostile and premature requests to a model service with no model and no scored data: each is refused with a problem
/// naming the field, and nothing is recorded or stored.
/// </summary>
public sealed class PredictionRefusalTests(ModelService service) : IClassFixture<ModelService>
{
    private HttpClient Client => service.Client;

    private async Task AssertNothingChangedAsync()
    {
        Assert.Empty(await service.EventsOfTypeAsync("model_trained"));
        Assert.Equal(0, await service.CountAsync("mt_doc_storedprediction"));
    }

    [Fact]
    public async Task Hostile_prediction_requests_are_refused_with_a_problem_naming_the_field()
    {
        var oversized = new StringContent("{\"text\":\"" + new string('a', 20_000) + "\"}", Encoding.UTF8, "application/json");
        await Answers.AssertProblemAsync(await Client.PostAsync("/api/model/predictions", oversized), HttpStatusCode.RequestEntityTooLarge, "body");

        var malformed = new StringContent("{\"text\": \"unterminated", Encoding.UTF8, "application/json");
        await Answers.AssertProblemAsync(await Client.PostAsync("/api/model/predictions", malformed), HttpStatusCode.BadRequest, "body");

        var notJson = new StringContent("text=hello", Encoding.UTF8, "application/x-www-form-urlencoded");
        await Answers.AssertProblemAsync(await Client.PostAsync("/api/model/predictions", notJson), HttpStatusCode.UnsupportedMediaType, "body");

        var wrongType = new StringContent("{\"text\": 42}", Encoding.UTF8, "application/json");
        await Answers.AssertProblemAsync(await Client.PostAsync("/api/model/predictions", wrongType), HttpStatusCode.BadRequest, "body");

        await Answers.AssertProblemAsync(await Client.PredictAsync("   "), HttpStatusCode.BadRequest, "text");
        // Under the body limit, over the text limit (2000 characters by default).
        await Answers.AssertProblemAsync(await Client.PredictAsync(new string('b', 2001)), HttpStatusCode.BadRequest, "text");

        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task Before_any_model_exists_a_prediction_is_refused_and_training_without_data_records_nothing()
    {
        await Answers.AssertProblemAsync(await Client.PredictAsync("how do I claim my tokens?"), HttpStatusCode.NotFound, "model");
        await Answers.AssertProblemAsync(await Client.GetAsync("/api/model"), HttpStatusCode.NotFound, "model");

        await Answers.AssertProblemAsync(await Client.TrainAsync(), HttpStatusCode.UnprocessableEntity, "snapshot");
        await Answers.AssertProblemAsync(await Client.GetAsync("/api/model/trainings/not-a-root"), HttpStatusCode.BadRequest, "snapshotRoot");

        await AssertNothingChangedAsync();
    }
}
