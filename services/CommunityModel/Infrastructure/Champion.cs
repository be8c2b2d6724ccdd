using System.Collections.Concurrent;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Formats.Models;
using CommunityAI.ModelEvaluator;
using Marten;
using Microsoft.Extensions.Options;
using Microsoft.ML;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// The model predictions are served from: the champion (<see cref="ModelHistory.ServedAsync"/>), loaded from its stored
/// bytes once and kept while it stays the latest. A model trained here is an ML.NET prediction engine, which is not
/// thread-safe, so each request borrows one from a small pool. A contributed champion is an ONNX Runtime session (one
/// thread), which is; it passed the sandboxed evaluation under the same contract, and its scores become probabilities by
/// softmax.
/// </summary>
public sealed class Champion(ModelHistory history, IDocumentStore store, IOptions<ModelOptions> options)
{
    private sealed record Loaded(ModelHistory.ServedModel Served, ITransformer? Model, MLContext? Context, OnnxClassifier? Onnx)
    {
        public ConcurrentBag<PredictionEngine<TextClassifier.Row, TextClassifier.Prediction>> Engines { get; } = [];
    }

    private volatile Loaded? _loaded;

    /// <param name="Labels">The labels the scores are for, in order.</param>
    public sealed record Answer(ModelHistory.ServedModel Model, string Label, IReadOnlyList<string> Labels, IReadOnlyList<float> Scores);

    /// <summary>Drops the loaded model, so the next prediction loads the latest (a round just recorded one).</summary>
    public void Forget() => _loaded = null;

    /// <summary>The latest model's answer for <paramref name="text"/>, or null when no model was trained yet.</summary>
    public async Task<Answer?> PredictAsync(string text, CancellationToken ct)
    {
        if (await history.ServedAsync(ct) is not { } latest)
            return null;
        var loaded = _loaded;
        if (loaded?.Served.ModelHash != latest.ModelHash)
        {
            loaded?.Onnx?.Dispose();
            _loaded = loaded = await LoadAsync(latest, ct);
        }
        if (loaded.Onnx is { } onnx)
        {
            var labels = options.Value.Labels;
            var probabilities = Softmax(onnx.Scores(text));
            var best = 0;
            for (var i = 1; i < probabilities.Length; i++)
                if (probabilities[i] > probabilities[best])
                    best = i;
            return new Answer(latest, labels[best], labels, probabilities);
        }
        if (!loaded.Engines.TryTake(out var engine))
            engine = loaded.Context!.Model.CreatePredictionEngine<TextClassifier.Row, TextClassifier.Prediction>(loaded.Model!);
        try
        {
            var prediction = engine.Predict(new TextClassifier.Row { Text = text });
            return new Answer(latest, prediction.PredictedLabel, latest.Trained!.Labels, prediction.Scores);
        }
        finally
        {
            loaded.Engines.Add(engine);
        }
    }

    private async Task<Loaded> LoadAsync(ModelHistory.ServedModel served, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var stored = await session.LoadAsync<StoredModel>(served.ModelHash, ct)
            ?? throw new InvalidOperationException($"model {served.ModelHash} is recorded but its bytes are not stored");
        if (served.Trained is not { } trained)
        {
            // The bytes are checked against the recorded hash: a changed row must not serve silently.
            if (Formats.Hex.Encode(System.Security.Cryptography.SHA256.HashData(stored.Zip)) != served.ModelHash)
                throw new InvalidOperationException($"the stored bytes of model {served.ModelHash} do not match its hash");
            return new Loaded(served, null, null, OnnxClassifier.Load(stored.Zip, options.Value.Labels.Length));
        }
        if (ModelHash.Of(stored.Zip) != trained.ModelHash)
            throw new InvalidOperationException($"the stored bytes of model {trained.ModelHash} do not match its hash");
        var context = new MLContext(trained.Seed);
        using var stream = new MemoryStream(stored.Zip, writable: false);
        return new Loaded(served, context.Model.Load(stream, out _), context, null);
    }

    private static float[] Softmax(float[] scores)
    {
        var max = scores.Max();
        var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }
}
