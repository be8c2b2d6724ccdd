using System.Net;
using System.Text.Json;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Formats;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// Data valued by its effect, through the real service: each round records <c>DataValued</c> beside its model, against
/// the round before as its baseline. A round of good new labelled data measures a gain, a round of mislabelled data a
/// loss, on held-out examples the batch did not bring; <c>GET /api/model/trainings</c> answers it with the round. Each
/// batch names its shares: its training examples, each counted for the contribution that first brought its text.
/// </summary>
public sealed class DataValueTests(ModelService service) : IClassFixture<ModelService>
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task Each_round_records_what_its_new_data_was_worth_good_data_a_gain_and_mislabelled_data_a_loss()
    {
        var old = CommunityTexts.Examples(25, seed: 41);
        await service.ContributeAsync(old);
        var first = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);
        // Eight contributors' new examples, then copies by two of them: of texts the first round had, and of new ones.
        var fresh = CommunityTexts.Examples(150, seed: 42);
        var batch = (await service.ContributeAsync(fresh)).Select((id, i) => (Id: id, Contributor: ModelService.ContributorOf(i), fresh[i].Text)).ToList();
        foreach (var copied in old.Take(10))
            batch.Add((await service.ContributeAsync(CommunityTexts.Json(copied), contributor: 2), 2, copied.Text));
        foreach (var copied in fresh.Take(10))
            batch.Add((await service.ContributeAsync(CommunityTexts.Json(copied), contributor: 3), 3, copied.Text));
        var second = await Answers.OkAsync(await Client.TrainAsync(), HttpStatusCode.Created);
        await service.ContributeAsync(DataValueMeasureTests.Mislabelled(100, seed: 43));
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
        Assert.InRange(good.GetProperty("newCount").GetInt32(), 400, 600); // of 600 new examples, those on the training side
        Assert.InRange(bad.GetProperty("newCount").GetInt32(), 260, 400);
        // Measured on the earlier rounds' held-out examples only: 100 examples at 20% before round 2, 700 before round 3.
        Assert.InRange(good.GetProperty("evaluatedCount").GetInt32(), 4, 40);
        Assert.True(good.GetProperty("gainBasisPoints").GetInt32() > 0, $"good data: {good}");
        Assert.True(bad.GetProperty("gainBasisPoints").GetInt32() < 0, $"mislabelled data: {bad}");

        // Who brought the new data: each training example counts for the contribution that brought its text first.
        var salt = await RevealedSaltAsync(round2.GetProperty("period").GetInt64());
        bool Trained(string text) => !HeldOutSplit.IsHeldOut(salt, text, 20);
        var oldTexts = old.Select(e => e.Text).ToHashSet(StringComparer.Ordinal);
        var expected = batch.Where(b => Trained(b.Text) && !oldTexts.Contains(b.Text)).GroupBy(b => b.Text, StringComparer.Ordinal)
            .Select(g => (g.First().Id, Contributor: AnvilNode.DevAddresses[g.First().Contributor], Examples: 1)) // contributed in list order; a text counts once
            .OrderBy(x => x.Id, StringComparer.Ordinal).ToList();
        var shares = Shares(good);
        Assert.Equal(expected, shares);
        var copies = batch.Skip(fresh.Count).Select(b => b.Id).ToList();
        Assert.DoesNotContain(shares, x => copies.Contains(x.Id)); // a copy earns nothing, of an old text or a new one
        // A new text copied adds nothing to the share of the one who brought it: the model learnt it once.
        Assert.All(shares, x => Assert.Equal(1, x.Examples));
        var heldOut = batch.Where(b => !Trained(b.Text)).Select(b => b.Id).ToList();
        Assert.NotEmpty(heldOut);
        Assert.DoesNotContain(shares, x => heldOut.Contains(x.Id)); // never trained on, never counted
        Assert.True(shares.Select(x => x.Contributor).Distinct().Count() >= 8, string.Join(", ", shares));
        Assert.Equal(batch.Where(b => Trained(b.Text) && !oldTexts.Contains(b.Text)).Select(b => b.Text).Distinct().Count(), shares.Sum(x => x.Examples));
        Assert.True(shares.Sum(x => x.Examples) < good.GetProperty("newCount").GetInt32(), "copies are training examples that count for no one");
        // The first round names every example it trained on, though nothing measured it; no feedback, no shares (an empty list).
        var salt1 = await RevealedSaltAsync(round1.GetProperty("period").GetInt64());
        Assert.Equal(old.Where(e => !HeldOutSplit.IsHeldOut(salt1, e.Text, 20)).Select(e => e.Text).Distinct().Count(),
            Shares(round1.GetProperty("data")).Sum(x => x.Examples));
        Assert.All(valued, v => Assert.Equal(0, v.Data.GetProperty("feedback").GetProperty("shares").GetArrayLength()));

        // The rounds' API answers each round with its value.
        var rounds = await Answers.OkAsync(await Client.GetAsync("/api/model/trainings"));
        Assert.Equal(good.GetProperty("gainBasisPoints").GetInt32(),
            rounds[1].GetProperty("valued").GetProperty("data").GetProperty("gainBasisPoints").GetInt32());
        Assert.Equal(shares, Shares(rounds[1].GetProperty("valued").GetProperty("data")));

        // The auditor, counting by its own code from the snapshots' content, gets the same shares, copies and all.
        var audited = await service.ReplayAsync("--model-content", await service.ContentFileAsync());
        Assert.True(audited.Code == 0, audited.Output);
        Assert.Equal(["3", "3"], ModelService.ModelRow(audited.Output)[^2..]); // data valued, data values re-run
    }

    private static List<(string Id, string Contributor, int Examples)> Shares(JsonElement batch) =>
        batch.GetProperty("shares").EnumerateArray()
            .Select(x => (x.GetProperty("contributionId").GetString()!, x.GetProperty("contributor").GetString()!, x.GetProperty("examples").GetInt32())).ToList();

    /// <summary>The salt a round's period revealed when it ended.</summary>
    private async Task<byte[]> RevealedSaltAsync(long period)
    {
        var reveal = (await service.EventsOfTypeAsync("evaluation_split_revealed")).Select(e => JsonDocument.Parse(e.Data).RootElement)
            .Single(r => r.GetProperty("period").GetInt64() == period);
        return Hex.Decode(reveal.GetProperty("salt").GetString()!, 32);
    }
}
