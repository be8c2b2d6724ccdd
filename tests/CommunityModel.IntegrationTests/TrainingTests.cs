using System.Net;
using System.Text.Json;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Contracts;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// A training round through the real path: contributors' signed, scored data contributions; the model service snapshots
/// and exports them as an admitted builder, trains, and records ModelTrained in the history; predictions are served from
/// it, each with a stored id.
/// </summary>
public sealed class TrainingTests(ModelService service) : IClassFixture<ModelService>
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task A_round_trains_from_a_real_snapshot_records_ModelTrained_and_serves_predictions_with_ids()
    {
        var examples = CommunityTexts.Examples(12, seed: 11);
        await service.ContributeAsync(examples);
        // Members the model cannot use: an unknown label, text that is not an example. Unscored data is not selected at all.
        await service.ContributeAsync("{\"text\":\"the portal is down\",\"label\":\"complaint\"}");
        await service.ContributeAsync("just some notes, not an example");
        await service.ContributeAsync("{\"text\":\"why is my score low\",\"label\":\"question\"}", score: null);

        var trained = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);

        var recorded = Assert.Single(await service.EventsOfTypeAsync("model_trained"));
        var fact = JsonSerializer.Deserialize<ModelTrained>(recorded.Data, JsonSerializerOptions.Web)!;
        Assert.Equal("model/" + fact.SnapshotRoot, recorded.Stream);
        Assert.Equal(fact.ModelHash, trained.GetProperty("modelHash").GetString());
        Assert.Single(await service.EventsOfTypeAsync("dataset_snapshotted"), s => s.Stream == "contributions/datasets/" + fact.SnapshotRoot);
        Assert.Equal(AnvilNode.DevAddresses[ModelService.BuilderKeyIndex], fact.Builder, ignoreCase: true);
        Assert.Equal((50, 2), (fact.MemberCount, fact.SkippedCount));
        Assert.Equal(48, fact.TrainCount + fact.HeldOutCount);
        Assert.True(fact.HeldOutCount > 0);
        Assert.InRange(fact.AccuracyBasisPoints, 0, 10_000);
        Assert.Equal(CommunityTexts.Labels, fact.Labels);
        Assert.Equal(TextClassifier.CodeVersion, fact.CodeVersion);
        Assert.Contains("ml.net/5.0.1", fact.CodeVersion);

        // Replay: the same examples with the recorded settings and the period's revealed salt give the recorded metrics and model hash.
        var revealed = Assert.Single(await service.EventsOfTypeAsync("evaluation_split_revealed"));
        var salt = CommunityAI.Formats.Hex.Decode(JsonDocument.Parse(revealed.Data).RootElement.GetProperty("salt").GetString()!);
        var replay = Assert.IsType<TextClassifier.Outcome.Trained>(
            TextClassifier.Train(examples, new TextClassifier.Settings(fact.Labels, fact.Seed, fact.HeldOutPercent, salt)));
        Assert.Equal((fact.ModelHash, fact.AccuracyBasisPoints, fact.MacroAccuracyBasisPoints),
            (replay.ModelHash, replay.AccuracyBasisPoints, replay.MacroAccuracyBasisPoints));

        // Asking again without new data trains nothing and records nothing.
        var again = await Answers.OkAsync(await Client.TrainAsync());
        Assert.Equal(fact.ModelHash, again.GetProperty("modelHash").GetString());
        Assert.Single(await service.EventsOfTypeAsync("model_trained"));

        var prediction = await Answers.OkAsync(await Client.PredictAsync("the app crashed with an error after the update"), HttpStatusCode.Created);
        var id = prediction.GetProperty("predictionId").GetString()!;
        Assert.Contains(prediction.GetProperty("label").GetString(), CommunityTexts.Labels);
        Assert.Equal(fact.ModelHash, prediction.GetProperty("modelHash").GetString());
        var probabilities = prediction.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("probability").GetSingle()).ToList();
        Assert.Equal(4, probabilities.Count);
        Assert.InRange(probabilities.Sum(), 0.99f, 1.01f);

        var stored = await Answers.OkAsync(await Client.GetAsync($"/api/model/predictions/{id}"));
        Assert.Equal(prediction.GetProperty("label").GetString(), stored.GetProperty("label").GetString());
        Assert.False(stored.TryGetProperty("text", out _));
        Assert.Equal(1, await service.CountAsync("mt_doc_storedprediction"));
        await Answers.AssertProblemAsync(await Client.GetAsync("/api/model/predictions/prediction-unknown"), HttpStatusCode.NotFound, "predictionId");

        // No content in the public history: no recorded event carries an example's text.
        foreach (var (_, data) in await service.EventsOfTypeAsync("model_trained"))
            Assert.DoesNotContain(examples[0].Text, data);
    }
}
