using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using CommunityAI.Formats.Models;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// The community model's training, pure: examples and settings in, the saved model and its held-out metrics out; no
/// database, network or clock. Deterministic: examples are put in a canonical order, the split follows
/// <see cref="HeldOutSplit"/>, the label keys follow the configured label order, and the trainer runs on one thread
/// from a fixed seed, so the same examples and settings always give the same metrics and <see cref="ModelHash"/>.
/// </summary>
public static class TextClassifier
{
    /// <summary>What <c>ModelTrained.Trainer</c> records: featurizer and trainer with the settings that matter.</summary>
    public const string Trainer = "ml.net featurize-text(word 1-grams, char 3-grams, l2) + sdca-maximum-entropy(threads=1, iterations=100)";

    /// <summary>This code's version and ML.NET's, as <c>ModelTrained.CodeVersion</c> records them.</summary>
    public static string CodeVersion { get; } =
        $"community-model/{Informational(typeof(TextClassifier).Assembly)} ml.net/{Informational(typeof(MLContext).Assembly)}";

    /// <param name="SplitSalt">The evaluation period's secret salt (<see cref="HeldOutSplit"/>); null or empty is the public split.</param>
    public sealed record Settings(IReadOnlyList<string> Labels, int Seed, int HeldOutPercent, byte[]? SplitSalt = null);

    public abstract record Outcome
    {
        private Outcome() { }

        /// <param name="Model">The saved model (ML.NET's zip).</param>
        /// <param name="HeldOut">The held-out examples, in canonical order (the champion comparison draws from them).</param>
        /// <param name="TrainTextHashes">SHA-256 of every text trained on (<see cref="ChampionRule.TextHash"/>).</param>
        public sealed record Trained(byte[] Model, string ModelHash, int TrainCount, int HeldOutCount, int AccuracyBasisPoints, int MacroAccuracyBasisPoints,
            IReadOnlyList<LabelledExample> HeldOut, IReadOnlyList<string> TrainTextHashes)
            : Outcome;

        /// <summary>Too little data to train or to evaluate honestly.</summary>
        public sealed record Refused(string Reason) : Outcome;
    }

    public static Outcome Train(IEnumerable<LabelledExample> examples, Settings settings)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(settings);
        // A canonical order: the snapshot's member order (history order) must not change the model.
        var ordered = examples.OrderBy(e => e.Text, StringComparer.Ordinal).ThenBy(e => e.Label, StringComparer.Ordinal).ToList();
        var salt = settings.SplitSalt ?? [];
        var train = ordered.Where(e => !HeldOutSplit.IsHeldOut(salt, e.Text, settings.HeldOutPercent)).ToList();
        var heldOut = ordered.Where(e => HeldOutSplit.IsHeldOut(salt, e.Text, settings.HeldOutPercent)).ToList();
        if (train.Select(e => e.Label).Distinct().Count() < 2)
            return new Outcome.Refused($"the training split holds {train.Count} examples of fewer than 2 labels");
        if (heldOut.Count == 0)
            return new Outcome.Refused("the held-out split is empty: no honest accuracy can be measured");

        var ml = new MLContext(settings.Seed);
        var trainData = ml.Data.LoadFromEnumerable(train.Select(Row.Of));
        var model = Pipeline(ml, settings.Labels).Fit(trainData);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(heldOut.Select(Row.Of))));

        using var saved = new MemoryStream();
        ml.Model.Save(model, trainData.Schema, saved);
        var bytes = saved.ToArray();
        return new Outcome.Trained(bytes, ModelHash.Of(bytes), train.Count, heldOut.Count, BasisPoints(metrics.MicroAccuracy), BasisPoints(metrics.MacroAccuracy),
            heldOut, train.Select(e => ChampionRule.TextHash(e.Text)).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The saved model's micro accuracy on <paramref name="examples"/>, in basis points (0 when there are none).</summary>
    public static int AccuracyOn(byte[] model, int seed, IReadOnlyList<LabelledExample> examples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
            return 0;
        var ml = new MLContext(seed);
        using var stream = new MemoryStream(model, writable: false);
        var loaded = ml.Model.Load(stream, out _);
        return BasisPoints(ml.MulticlassClassification.Evaluate(loaded.Transform(ml.Data.LoadFromEnumerable(examples.Select(Row.Of)))).MicroAccuracy);
    }

    /// <summary>The saved model's chosen label for each text, in order.</summary>
    public static IReadOnlyList<string> PredictionsOn(byte[] model, int seed, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        var ml = new MLContext(seed);
        using var stream = new MemoryStream(model, writable: false);
        var loaded = ml.Model.Load(stream, out _);
        var scored = loaded.Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t })));
        return ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Select(p => p.PredictedLabel).ToList();
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, IReadOnlyList<string> labels)
    {
        // Keys from the configured labels, not from the data, so score i is always label i whatever the data held.
        var keys = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelRow { Label = l }));
        return ml.Transforms.Conversion.MapValueToKey(nameof(Row.Label), keyData: keys)
            .Append(ml.Transforms.Text.FeaturizeText("Features", nameof(Row.Text)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                // One thread: SDCA on several threads is not deterministic.
                NumberOfThreads = 1,
                // A fixed budget bounds a round's time; "auto" ran about 40% longer on the tests' small sets for a few points of accuracy.
                MaximumNumberOfIterations = 100,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue(nameof(Prediction.PredictedLabel)));
    }

    private static int BasisPoints(double share) => (int)Math.Round(share * 10_000, MidpointRounding.AwayFromZero);

    private static string Informational(Assembly assembly) =>
        (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0];

    /// <summary>One row as ML.NET reads it.</summary>
    public sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";

        public static Row Of(LabelledExample example) => new() { Text = example.Text, Label = example.Label };
    }

    /// <summary>One configured label, as the key map reads it (a single column).</summary>
    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }

    /// <summary>What the model answers for a row: the chosen label and one score per label, in label order.</summary>
    public sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";

        [ColumnName("Score")]
        public float[] Scores { get; set; } = [];
    }
}
