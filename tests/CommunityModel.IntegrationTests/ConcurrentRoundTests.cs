using System.Net;
using System.Text.Json;
using CommunityAI.CommunityModel.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// Rounds run one at a time across replicas. While another replica's period is open (committed, not revealed), a round
/// is refused and does not reveal that salt (revealed early, it would be public before the model using it is recorded);
/// and two replicas asked together train one round at a time, so each round's data value is measured against the round
/// the log shows before it.
/// </summary>
public sealed class ConcurrentRoundTests(ModelService service) : IClassFixture<ModelService>
{
    [Fact]
    public async Task Rounds_take_turns_across_replicas_and_each_rounds_baseline_is_the_round_before_it_in_the_log()
    {
        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 51));
        var periods = service.Model.Services.GetRequiredService<EvaluationPeriods>();
        var running = await periods.CommitAsync(20, CancellationToken.None);
        Assert.NotNull(running);

        // Another replica is training: this round is refused, reveals nothing and records nothing; nor can a third period open.
        await Answers.AssertProblemAsync(await service.Client.TrainAsync(), HttpStatusCode.Conflict, "training");
        Assert.Null(await periods.CommitAsync(20, CancellationToken.None));
        Assert.Empty(await service.EventsOfTypeAsync("evaluation_split_revealed"));
        Assert.Empty(await service.EventsOfTypeAsync("model_trained"));
        Assert.Equal(1, await service.CountAsync("mt_doc_storedevaluationsalt"));

        // That round ends; now this one trains.
        await periods.RevealAsync(running.Period, CancellationToken.None);
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);

        // A second replica over the same database; both are asked at once, three times, each time with new data.
        await using var replica = service.Model.WithWebHostBuilder(_ => { });
        using var other = replica.CreateClient();
        for (var round = 0; round < 3; round++)
        {
            await service.ContributeAsync(CommunityTexts.Examples(6, seed: 60 + round));
            var answers = await Task.WhenAll(service.Client.TrainAsync(), other.TrainAsync());
            var statuses = answers.Select(a => a.StatusCode).ToList();
            // One trains; the other finds its round running (409) or, when it asked after the round ended, its snapshot trained (200).
            Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1 && statuses.All(s => s is HttpStatusCode.Created or HttpStatusCode.Conflict or HttpStatusCode.OK),
                string.Join(", ", statuses));
        }

        var trained = (await service.EventsOfTypeAsync("model_trained")).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        var valued = (await service.EventsOfTypeAsync("data_valued")).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal(4, trained.Count);
        // Each value's baseline is the model recorded just before it.
        Assert.Equal([null, .. trained.Take(3).Select(t => t.GetProperty("modelHash").GetString())],
            valued.Select(v => v.GetProperty("baselineModelHash").GetString()).ToList());
        var replay = await service.ReplayAsync();
        Assert.True(replay.Code == 0, replay.Output);
    }
}
