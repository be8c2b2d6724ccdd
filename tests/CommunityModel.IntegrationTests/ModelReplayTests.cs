using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// <c>communityai-audit replay</c> on a history the real services made: it re-runs every recorded training from the
/// snapshots' content (taken through the builder's own export) and the revealed salts, gets the recorded metrics and
/// model hashes, checks every champion change; a planted ModelTrained with inflated metrics and a reveal that does not
/// open its commitment are named.
/// </summary>
public sealed class ModelReplayTests(ModelService service) : IClassFixture<ModelService>
{
    [Fact]
    public async Task Replay_reruns_every_recorded_training_and_names_inflated_metrics_and_a_salt_that_does_not_open_its_commitment()
    {
        var all = CommunityTexts.Examples(20, seed: 31);
        await service.ContributeAsync(all.Take(48));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        await service.ContributeAsync(all.Skip(48));
        var second = await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        var content = await service.ContentFileAsync();

        var honest = await AuditRun("--model-content", content);
        Assert.True(honest.Code == 0, honest.Output);
        Assert.Contains("community model trainings", honest.Output);
        var row = honest.Output.Split('\n').SkipWhile(l => !l.StartsWith("community model trainings", StringComparison.Ordinal)).Skip(1).First().Trim();
        Assert.StartsWith("2  0  2  2  2  2  0", row);

        // Without the content (erased, or an auditor who is no builder) the trainings are not re-run, everything else is checked.
        var withoutContent = await AuditRun();
        Assert.True(withoutContent.Code == 0, withoutContent.Output);
        Assert.Contains("2  0  2  2  2  0  2", withoutContent.Output);

        // Planted: the second training recorded again with inflated metrics, under a period the operator committed and revealed.
        var fact = JsonSerializer.Deserialize<ModelTrained>(second.GetRawText(), JsonSerializerOptions.Web)!;
        var salt = RandomNumberGenerator.GetBytes(32);
        var inflated = fact with { AccuracyBasisPoints = Math.Min(10_000, fact.AccuracyBasisPoints + 1500) };
        await using (var session = service.Model.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream("model/evaluation/1000", new EvaluationSplitCommitted(1000, Hex.Encode(SHA256.HashData(salt)), 20, DateTimeOffset.UtcNow));
            session.Events.StartStream("model/planted", inflated,
                new ModelEvaluated(1000, inflated.ModelHash, inflated.SnapshotRoot, inflated.FeedbackSnapshotRoot, inflated.HeldOutCount,
                    inflated.AccuracyBasisPoints, inflated.MacroAccuracyBasisPoints, null, 0, 0, null, false));
            session.Events.Append("model/evaluation/1000", new EvaluationSplitRevealed(1000, Hex.Encode(salt), Hex.Encode(SHA256.HashData(salt)), DateTimeOffset.UtcNow));
            // And a reveal whose salt is not the one committed.
            session.Events.StartStream("model/evaluation/1001", new EvaluationSplitCommitted(1001, Hex.Encode(SHA256.HashData(salt)), 20, DateTimeOffset.UtcNow));
            session.Events.Append("model/evaluation/1001", new EvaluationSplitRevealed(1001, Hex.Encode(RandomNumberGenerator.GetBytes(32)), Hex.Encode(SHA256.HashData(salt)), DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        var planted = await AuditRun("--model-content", content);
        Assert.Equal(1, planted.Code);
        Assert.Contains("recorded training does not re-run", planted.Output);
        Assert.Contains($"{inflated.AccuracyBasisPoints} bp", planted.Output);
        Assert.Contains("revealed salt does not match its commitment", planted.Output);
        // The planted evaluation named no champion though there was one: a champion comparison that did not happen is named too.
        Assert.Contains("wrong champion named", planted.Output);
    }

    private Task<(int Code, string Output)> AuditRun(params string[] extra) => service.ReplayAsync(extra);
}
