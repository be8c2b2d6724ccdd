using System.Net;
using System.Text.Json;
using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// A round that outlived Model:StoppedRoundAfter may find its period revealed by another replica's round (which counted
/// it as stopped); its model was measured on a split that is now public, so the history refuses to record it.
/// </summary>
public sealed class OutlivedRoundTests(ModelService service) : IClassFixture<ModelService>
{
    [Fact]
    public async Task A_round_whose_period_was_revealed_under_it_records_nothing()
    {
        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 71));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        var (trained, evaluated, valued) = (await ReadAsync<ModelTrained>("model_trained"), await ReadAsync<ModelEvaluated>("model_evaluated"),
            await ReadAsync<DataValued>("data_valued"));
        // The same round again, as if from another snapshot, so only the period decides.
        var again = trained with { SnapshotRoot = new string('a', 64) };
        var periods = service.Model.Services.GetRequiredService<EvaluationPeriods>();
        var history = service.Model.Services.GetRequiredService<ModelHistory>();
        var before = (await service.EventsOfTypeAsync("model_trained")).Count;

        // Its period was revealed by another replica (it counted the round as stopped): refused, nothing written.
        var outlived = (await periods.CommitAsync(20, CancellationToken.None))!;
        await periods.RevealAsync(outlived.Period, CancellationToken.None);
        Assert.Equal(ModelHistory.Recorded.PeriodClosed,
            await history.RecordAsync(outlived.Period, again, evaluated, valued, [1, 2, 3], [], [], CancellationToken.None));
        Assert.Equal(before, (await service.EventsOfTypeAsync("model_trained")).Count);

        // While its period is open, the same record is written.
        var open = (await periods.CommitAsync(20, CancellationToken.None))!;
        Assert.Equal(ModelHistory.Recorded.Now, await history.RecordAsync(open.Period, again, evaluated, valued, [1, 2, 3], [], [], CancellationToken.None));
        await periods.RevealAsync(open.Period, CancellationToken.None);
        Assert.Equal(before + 1, (await service.EventsOfTypeAsync("model_trained")).Count);
    }

    private async Task<T> ReadAsync<T>(string type) =>
        JsonSerializer.Deserialize<T>((await service.EventsOfTypeAsync(type)).Single().Data, OutboxRoutes.HistoryJson)!;
}
