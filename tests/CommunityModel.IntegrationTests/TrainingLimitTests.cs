using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace CommunityModel.IntegrationTests;

/// <summary>Nobody can make the service train in a loop: rounds are bounded per rolling hour, and past it nothing is asked or recorded.</summary>
public sealed class TrainingLimitTests(ModelService service) : IClassFixture<ModelService>
{
    [Fact]
    public async Task Training_past_the_hourly_limit_is_refused_with_429_naming_training_and_records_nothing()
    {
        await using var limited = service.Model.WithWebHostBuilder(b => b.UseSetting("Model:MaxRoundsPerHour", "1"));
        using var client = limited.CreateClient();
        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 22));
        await Answers.OkAsync(await client.TrainAsync(), HttpStatusCode.Created);
        await service.ContributeAsync(CommunityTexts.Examples(3, seed: 23));
        var before = (await PrivateSplitTests.AllEventsTextAsync(service)).Length;
        var saltsBefore = await service.CountAsync("mt_doc_storedevaluationsalt");

        await Answers.AssertProblemAsync(await client.TrainAsync(), HttpStatusCode.TooManyRequests, "training");

        Assert.Equal(before, (await PrivateSplitTests.AllEventsTextAsync(service)).Length);
        Assert.Equal(saltsBefore, await service.CountAsync("mt_doc_storedevaluationsalt"));
    }
}
