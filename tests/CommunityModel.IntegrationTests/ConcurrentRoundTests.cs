using System.Net;
using System.Text.Json;
using CommunityAI.CommunityModel.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// Two replicas: one has just committed a period and is training; a round on the other must not reveal that salt
/// (revealed early, it would be public before the model using it is recorded). Only a period older than
/// Model:StoppedRoundAfter counts as stopped.
/// </summary>
public sealed class ConcurrentRoundTests(ModelService service) : IClassFixture<ModelService>
{
    [Fact]
    public async Task A_round_does_not_reveal_a_period_another_replica_committed_moments_ago()
    {
        await service.ContributeAsync(CommunityTexts.Examples(8, seed: 51));
        var running = await service.Model.Services.GetRequiredService<EvaluationPeriods>().CommitAsync(20, CancellationToken.None);
        Assert.NotNull(running);

        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);

        var reveals = (await service.EventsOfTypeAsync("evaluation_split_revealed")).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal([2L], reveals.Select(r => r.GetProperty("period").GetInt64()));
        Assert.DoesNotContain(CommunityAI.Formats.Hex.Encode(running.Salt), await PrivateSplitTests.AllEventsTextAsync(service), StringComparison.OrdinalIgnoreCase);
    }
}
