using Xunit.Abstractions;
using System.Net;
using System.Text.Json;
using CommunityAI.Formats.Models;
using CommunityModel.IntegrationTests.Onnx;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// Hostile model files, contributed and scored like honest ones, are refused in the sandbox with a clear reason, and
/// nothing is harmed: the round records its trained model, the champion is unchanged by them, predictions still answer,
/// and the evaluator leaves no file behind.
/// </summary>
public sealed class HostileModelTests(HostileModelTests.Service service, ITestOutputHelper output) : IClassFixture<HostileModelTests.Service>
{
    /// <summary>Limits small enough for a test: 200 KB files, 30 s runs (a shared machine under load needs the margin).</summary>
    public sealed class Service : ModelService
    {
        protected override IReadOnlyDictionary<string, string> ModelSettings { get; } = new Dictionary<string, string>
        {
            ["Model:MaxModelBytes"] = "200000",
            ["Model:EvaluatorTimeout"] = "00:00:30",
        };
    }

    private static readonly int Labels = CommunityTexts.Labels.Length;

    [Fact]
    public async Task Wrong_shapes_oversized_malformed_endless_memory_hungry_and_failing_models_are_refused_with_their_reason_and_harm_nothing()
    {
        // Only the evaluator folders made during this test count: a run killed earlier may have left its own.
        var before = EvaluatorFolders().ToHashSet();
        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 11));
        var first = await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);

        var garbage = new byte[5000];
        new Random(5).NextBytes(garbage);
        var hostile = new Dictionary<string, (byte[] Model, string Reason)>
        {
            ["wrong input"] = (TestModels.Linear(new float[100 * Labels], new float[Labels], 100, Labels), "input 'features' must be float [batch, 4096]"),
            ["wrong output"] = (TestModels.Linear(new float[OnnxFeatures.Count * (Labels + 1)], new float[Labels + 1], OnnxFeatures.Count, Labels + 1),
                $"first output 'scores' must be float [batch, {Labels}]"),
            ["oversized"] = (TestModels.Linear(new float[OnnxFeatures.Count * Labels], new float[Labels], OnnxFeatures.Count, Labels, paddingFloats: 50_000),
                "more than the limit of 200000"),
            ["malformed"] = (garbage, "not a model ONNX Runtime can load"),
            ["endless"] = (TestModels.Endless(Labels), "ran longer than the limit of 30 s"),
            ["memory bomb"] = (TestModels.MemoryBomb(Labels), ""),
            ["fails when run"] = (TestModels.FailsWhenRun(Labels), ""),
        };
        var ids = new Dictionary<string, string>();
        foreach (var (name, (model, _)) in hostile)
            ids[name] = await service.ContributeAsync(model, contributor: 4, kind: "model");

        await service.ContributeAsync(CommunityTexts.Examples(12, seed: 12));
        var second = await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);

        var evaluations = (await service.EventsOfTypeAsync("model_contribution_evaluated"))
            .ToDictionary(e => e.Stream, e => JsonDocument.Parse(e.Data).RootElement);
        foreach (var (name, (_, reason)) in hostile)
        {
            var e = evaluations["model/contributions/" + ids[name]];
            var refusal = e.GetProperty("refusal").GetString();
            Assert.False(string.IsNullOrWhiteSpace(refusal), $"{name}: {e}");
            output.WriteLine($"{name}: {refusal}");
            Assert.True(refusal.Contains(reason, StringComparison.Ordinal), $"{name}: {refusal}");
            Assert.False(e.GetProperty("becameChampion").GetBoolean());
            Assert.Equal((0, 0), (e.GetProperty("gainBasisPoints").GetInt32(), e.GetProperty("comparedCount").GetInt32()));
        }

        // Nothing harmed: the round recorded its model against the first champion, predictions answer, no file is left.
        var trainedEvaluation = JsonDocument.Parse((await service.EventsOfTypeAsync("model_evaluated"))[^1].Data).RootElement;
        Assert.Equal(second.GetProperty("modelHash").GetString(), trainedEvaluation.GetProperty("modelHash").GetString());
        Assert.Equal(first.GetProperty("modelHash").GetString(), trainedEvaluation.GetProperty("championModelHash").GetString());
        await Answers.OkAsync(await service.Client.PredictAsync("the wallet page crashes after login"), HttpStatusCode.Created);
        var (code, replayed) = await service.ReplayAsync();
        Assert.True(code == 0, replayed);
        Assert.Equal(["7", "7"], ModelService.ModelRow(replayed)[^5..^3]); // contributed models, refused
        var left = EvaluatorFolders().Where(d => !before.Contains(d))
            .Select(d => Path.Combine(d, "model.onnx")).Where(File.Exists).Select(File.ReadAllBytes);
        Assert.DoesNotContain(left, bytes => hostile.Values.Any(h => h.Model.AsSpan().SequenceEqual(bytes)));
    }

    private static string[] EvaluatorFolders() => Directory.GetDirectories(Path.GetTempPath(), "communityai-evaluation-*");
}
