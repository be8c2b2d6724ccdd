using System.Collections.Concurrent;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Contracts;
using CommunityAI.Formats.Models;
using Marten;
using Microsoft.ML;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// The model predictions are served from: the champion (<see cref="ModelHistory.ServedAsync"/>), loaded from its stored
/// bytes once and kept while it stays the latest. A prediction engine is not thread-safe, so each request borrows one
/// from a small pool.
/// </summary>
public sealed class Champion(ModelHistory history, IDocumentStore store)
{
    private sealed record Loaded(ModelTrained Trained, ITransformer Model, MLContext Context)
    {
        public ConcurrentBag<PredictionEngine<TextClassifier.Row, TextClassifier.Prediction>> Engines { get; } = [];
    }

    private volatile Loaded? _loaded;

    public sealed record Answer(ModelTrained Model, string Label, IReadOnlyList<float> Scores);

    /// <summary>Drops the loaded model, so the next prediction loads the latest (a round just recorded one).</summary>
    public void Forget() => _loaded = null;

    /// <summary>The latest model's answer for <paramref name="text"/>, or null when no model was trained yet.</summary>
    public async Task<Answer?> PredictAsync(string text, CancellationToken ct)
    {
        if (await history.ServedAsync(ct) is not { } latest)
            return null;
        var loaded = _loaded;
        if (loaded?.Trained.ModelHash != latest.ModelHash)
            _loaded = loaded = await LoadAsync(latest, ct);
        if (!loaded.Engines.TryTake(out var engine))
            engine = loaded.Context.Model.CreatePredictionEngine<TextClassifier.Row, TextClassifier.Prediction>(loaded.Model);
        try
        {
            var prediction = engine.Predict(new TextClassifier.Row { Text = text });
            return new Answer(latest, prediction.PredictedLabel, prediction.Scores);
        }
        finally
        {
            loaded.Engines.Add(engine);
        }
    }

    private async Task<Loaded> LoadAsync(ModelTrained trained, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var stored = await session.LoadAsync<StoredModel>(trained.ModelHash, ct)
            ?? throw new InvalidOperationException($"model {trained.ModelHash} is recorded but its bytes are not stored");
        // The bytes are checked against the recorded hash: a changed row must not serve silently.
        if (ModelHash.Of(stored.Zip) != trained.ModelHash)
            throw new InvalidOperationException($"the stored bytes of model {trained.ModelHash} do not match its hash");
        var context = new MLContext(trained.Seed);
        using var stream = new MemoryStream(stored.Zip, writable: false);
        return new Loaded(trained, context.Model.Load(stream, out _), context);
    }
}
