using System.Diagnostics;
using System.Globalization;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.Formats.Models;
using CommunityModel.IntegrationTests.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

/// <summary>
/// Evaluation time per contributed model: the service's sandboxed run (a process that confines itself, the
/// contract's checks, JSON in and out) against plain ONNX Runtime in-process (a session with default options, the same
/// features, the same batches) on the same model and texts, measured alternately, best of three each.
/// </summary>
internal static class EvaluationBenchmark
{
    public static async Task RunAsync(string sizes)
    {
        string[] labels = ["question", "bug-report", "idea", "praise"];
        var training = Enumerable.Range(0, 2000).Select(i => new LabelledExample($"w{i % 97} w{i % 13} today {labels[i % 4]}", labels[i % 4])).ToList();
        var model = TestModels.NaiveBayes(training, labels);
        var sandbox = new EvaluatorSandbox(Options.Create(new ModelOptions()), NullLogger<EvaluatorSandbox>.Instance);
        Console.WriteLine($"load average {CommunityAI.Benchmarks.LoadAverage.Read()}; model {model.Length} bytes (linear, 4096 × 4)");
        Console.WriteLine("texts | plain ONNX Runtime (ms) | sandboxed evaluation (ms) | ratio | of which in the sandbox: load + run (ms)");
        foreach (var count in sizes.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
        {
            var texts = Enumerable.Range(0, count).Select(i => $"w{i % 89} w{i % 7} again the page {labels[i % 4]} {i}").ToList();
            Plain(model, texts); // warm
            await sandbox.RunAsync(model, texts, labels.Length, CancellationToken.None);
            var (plainMs, sandboxMs, insideMs) = (double.MaxValue, double.MaxValue, 0.0);
            for (var run = 0; run < 3; run++)
            {
                var clock = Stopwatch.StartNew();
                Plain(model, texts);
                plainMs = Math.Min(plainMs, clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                var answer = (EvaluatorSandbox.Result.Answered)await sandbox.RunAsync(model, texts, labels.Length, CancellationToken.None);
                var elapsed = clock.Elapsed.TotalMilliseconds;
                if (elapsed < sandboxMs)
                    (sandboxMs, insideMs) = (elapsed, answer.LoadMilliseconds + answer.RunMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count} | {plainMs:F1} | {sandboxMs:F0} | {sandboxMs / plainMs:F1} | {insideMs:F1}"));
        }
    }

    /// <summary>Plain ONNX Runtime: load the session from bytes, run the batches, take each row's highest score.</summary>
    private static int[] Plain(byte[] model, IReadOnlyList<string> texts)
    {
        using var session = new InferenceSession(model);
        var input = session.InputMetadata.Keys.First();
        var chosen = new int[texts.Count];
        for (var start = 0; start < texts.Count; start += 64)
        {
            var batch = texts.Skip(start).Take(64).ToList();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(OnnxFeatures.Of(batch), [batch.Count, OnnxFeatures.Count]))]);
            var scores = (DenseTensor<float>)results.First().Value;
            for (var row = 0; row < batch.Count; row++)
                for (var label = 1; label < scores.Dimensions[1]; label++)
                    if (scores[row, label] > scores[row, chosen[start + row]])
                        chosen[start + row] = label;
        }
        return chosen;
    }
}
