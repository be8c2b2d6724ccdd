using System.Net;
using System.Text.Json;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// Data valued by its effect, through the real service: each round records <c>DataValued</c> beside its model, against
/// the round before as its baseline. A round of good new labelled data measures a gain, a round of mislabelled data a
/// loss, on held-out examples the batch did not bring; <c>GET /api/model/trainings</c> answers it with the round.
/// </summary>
public sealed class DataValueTests(ModelService service) : IClassFixture<ModelService>
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task Each_round_records_what_its_new_data_was_worth_good_data_a_gain_and_mislabelled_data_a_loss()
    {
        await service.ContributeAsync(CommunityTexts.Examples(25, seed: 41));
        var first = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);
        await service.ContributeAsync(CommunityTexts.Examples(75, seed: 42));
        var second = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);
        await service.ContributeAsync(DataValueMeasureTests.Mislabelled(50, seed: 43));
        var third = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);

        var valued = (await service.EventsOfTypeAsync("data_valued")).Select(e => (e.Stream, Data: JsonDocument.Parse(e.Data).RootElement)).ToList();
        Assert.Equal(3, valued.Count);
        var trainedStreams = (await service.EventsOfTypeAsync("model_trained")).Select(e => e.Stream).ToList();
        Assert.Equal(trainedStreams, valued.Select(v => v.Stream)); // each in its round's stream

        // The first round: everything is new and nothing else was held out, so there is nothing to measure on.
        var (round1, round2, round3) = (valued[0].Data, valued[1].Data, valued[2].Data);
        Assert.Equal(JsonValueKind.Null, round1.GetProperty("baselineModelHash").ValueKind);
        Assert.Equal(first.GetProperty("trainCount").GetInt32(), round1.GetProperty("data").GetProperty("newCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, round1.GetProperty("data").GetProperty("gainBasisPoints").ValueKind);
        Assert.Equal(0, round1.GetProperty("feedback").GetProperty("newCount").GetInt32());

        // Each later round is measured against the round before.
        Assert.Equal(first.GetProperty("modelHash").GetString(), round2.GetProperty("baselineModelHash").GetString());
        Assert.Equal(first.GetProperty("snapshotRoot").GetString(), round2.GetProperty("baselineSnapshotRoot").GetString());
        Assert.Equal(second.GetProperty("modelHash").GetString(), round3.GetProperty("baselineModelHash").GetString());
        Assert.Equal(third.GetProperty("modelHash").GetString(), round3.GetProperty("modelHash").GetString());
        var (good, bad) = (round2.GetProperty("data"), round3.GetProperty("data"));
        Assert.InRange(good.GetProperty("newCount").GetInt32(), 200, 300); // of 300 new examples, those on the training side
        Assert.InRange(bad.GetProperty("newCount").GetInt32(), 130, 200);
        // Measured on the earlier rounds' held-out examples only: 100 examples at 20% before round 2, 400 before round 3.
        Assert.InRange(good.GetProperty("evaluatedCount").GetInt32(), 8, 40);
        Assert.True(good.GetProperty("gainBasisPoints").GetInt32() > 0, $"good data: {good}");
        Assert.True(bad.GetProperty("gainBasisPoints").GetInt32() < 0, $"mislabelled data: {bad}");

        // The rounds' API answers each round with its value.
        var rounds = await Answers.OkAsync(await Client.GetAsync("/api/model/trainings"));
        Assert.Equal(good.GetProperty("gainBasisPoints").GetInt32(),
            rounds[1].GetProperty("valued").GetProperty("data").GetProperty("gainBasisPoints").GetInt32());
    }
}
