using System.Buffers.Binary;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Models;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Re-runs one recorded community-model training from its examples, written from the public description (README, "The
/// community model"; <c>ModelTrained.Trainer</c>), not from the service's code: canonical order (text, then label, ordinal),
/// held out when SHA-256(salt ‖ UTF-8 text)'s first 8 bytes big-endian mod 100 are below the share, label keys in the
/// recorded label order, text featurized with ML.NET's defaults, SDCA maximum entropy on one thread, 100 iterations,
/// MLContext seeded with the recorded seed; micro and macro accuracy rounded half away from zero to basis points; the
/// model hash over the saved zip's entries (name ‖ 0x00 ‖ uint64 big-endian length ‖ bytes, in ordinal name order).
/// </summary>
internal static class ModelRetrainer
{
    /// <summary>The one pipeline this replay knows, exactly as <c>ModelTrained.Trainer</c> records it.</summary>
    public const string KnownTrainer = "ml.net featurize-text(word 1-grams, char 3-grams, l2) + sdca-maximum-entropy(threads=1, iterations=100)";

    /// <summary>The ML.NET version this replay runs, as <c>ModelTrained.CodeVersion</c> writes it (<c>ml.net/x.y.z</c>).</summary>
    public static string LibraryVersion { get; } = "ml.net/" +
        (typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0];

    public sealed record Example(string Text, string Label);

    public sealed record Result(string ModelHash, int TrainCount, int HeldOutCount, int AccuracyBasisPoints, int MacroAccuracyBasisPoints,
        byte[] Model, IReadOnlyList<Example> HeldOut, IReadOnlySet<string> TrainTextHashes);

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>The labelled example in a data contribution's stored bytes (salt line, then <c>{"text","label"}</c>), or null.</summary>
    public static Example? ReadExample(byte[] stored, IReadOnlyCollection<string> labels, int maxTextLength) =>
        ReadObject(stored, root =>
            root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String && root.TryGetProperty("label", out var l)
            && l.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(t.GetString()) && t.GetString()!.Length <= maxTextLength
            && labels.Contains(l.GetString()!)
                ? new Example(t.GetString()!, l.GetString()!) : null);

    /// <summary>A feedback contribution's <c>{"predictionId","correct"[,"label"]}</c>: the prediction it names and the right label (null when it was right).</summary>
    public static (string PredictionId, bool Correct, string? Label)? ReadFeedback(byte[] stored, IReadOnlyCollection<string> labels) =>
        ReadObject<(string, bool, string?)?>(stored, root =>
        {
            if (!root.TryGetProperty("predictionId", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length is 0 or > 64
                || !root.TryGetProperty("correct", out var c) || c.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return null;
            if (c.GetBoolean())
                return (id.GetString()!, true, null);
            return root.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String && labels.Contains(l.GetString()!)
                ? (id.GetString()!, false, l.GetString()) : null;
        });

    public static string TextHash(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    public static string Sha256Hex(byte[] bytes) => Hex.Encode(SHA256.HashData(bytes));

    public static bool IsHeldOut(byte[] salt, string text, int percent)
    {
        var hash = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(text)]);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 100) < percent;
    }

    /// <summary>The training re-run, or null when a split is too small to train or evaluate (the service records nothing then).</summary>
    public static Result? Train(IEnumerable<Example> examples, IReadOnlyList<string> labels, int seed, int heldOutPercent, byte[] salt)
    {
        var ordered = examples.OrderBy(e => e.Text, StringComparer.Ordinal).ThenBy(e => e.Label, StringComparer.Ordinal).ToList();
        var train = ordered.Where(e => !IsHeldOut(salt, e.Text, heldOutPercent)).ToList();
        var heldOut = ordered.Where(e => IsHeldOut(salt, e.Text, heldOutPercent)).ToList();
        if (train.Select(e => e.Label).Distinct().Count() < 2 || heldOut.Count == 0)
            return null;
        // The order of creation is part of the recipe: every ML.NET component created draws its own seed from the context's
        // random sequence, so the training data is loaded first, then the label keys, then the pipeline, as the service does.
        var ml = new MLContext(seed);
        var trainData = ml.Data.LoadFromEnumerable(train.Select(Row.Of));
        var keys = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelRow { Label = l }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey(nameof(Row.Label), keyData: keys)
            .Append(ml.Transforms.Text.FeaturizeText("Features", nameof(Row.Text)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                NumberOfThreads = 1,
                MaximumNumberOfIterations = 100,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(trainData);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(heldOut.Select(Row.Of))));
        using var saved = new MemoryStream();
        ml.Model.Save(model, trainData.Schema, saved);
        var bytes = saved.ToArray();
        return new Result(ModelHash.Of(bytes), train.Count, heldOut.Count, BasisPoints(metrics.MicroAccuracy), BasisPoints(metrics.MacroAccuracy), bytes,
            heldOut, train.Select(e => TextHash(e.Text)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>A saved model's micro accuracy on <paramref name="examples"/> in basis points (0 for none).</summary>
    public static int AccuracyOn(byte[] model, int seed, IReadOnlyList<Example> examples)
    {
        if (examples.Count == 0)
            return 0;
        var ml = new MLContext(seed);
        using var stream = new MemoryStream(model, writable: false);
        var loaded = ml.Model.Load(stream, out _);
        return BasisPoints(ml.MulticlassClassification.Evaluate(loaded.Transform(ml.Data.LoadFromEnumerable(examples.Select(Row.Of)))).MicroAccuracy);
    }

    /// <summary>Which of <paramref name="examples"/> a saved model labels right, in order.</summary>
    public static IReadOnlyList<bool> RightOn(byte[] model, int seed, IReadOnlyList<Example> examples)
    {
        if (examples.Count == 0)
            return [];
        var ml = new MLContext(seed);
        using var stream = new MemoryStream(model, writable: false);
        var loaded = ml.Model.Load(stream, out _);
        var scored = loaded.Transform(ml.Data.LoadFromEnumerable(examples.Select(Row.Of)));
        return ml.Data.CreateEnumerable<Predicted>(scored, reuseRowObject: false).Select((p, i) => p.PredictedLabel == examples[i].Label).ToList();
    }

    /// <summary>Micro accuracy of <paramref name="right"/> in basis points, rounded half away from zero; 0 for none.</summary>
    public static int BasisPoints(IReadOnlyList<bool> right) =>
        right.Count == 0 ? 0 : (int)Math.Round(right.Count(r => r) * 10_000.0 / right.Count, MidpointRounding.AwayFromZero);

    private static int BasisPoints(double share) => (int)Math.Round(share * 10_000, MidpointRounding.AwayFromZero);

    private static T? ReadObject<T>(byte[] stored, Func<JsonElement, T?> read)
    {
        var content = ContentSalt.TryStrip(stored, out var unsalted) ? unsalted.ToArray() : stored;
        try
        {
            using var document = JsonDocument.Parse(StrictUtf8.GetString(content), new JsonDocumentOptions { MaxDepth = 4 });
            return document.RootElement.ValueKind == JsonValueKind.Object ? read(document.RootElement) : default;
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            return default;
        }
    }

    /// <summary>One configured label: the key map reads a single column.</summary>
    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }

    /// <summary>A scored row's label, as the pipeline's last step maps it back from its key.</summary>
    private sealed class Predicted
    {
        public string PredictedLabel { get; set; } = "";
    }

    /// <summary>One row as ML.NET reads it.</summary>
    private sealed class Row
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";

        public static Row Of(Example e) => new() { Text = e.Text, Label = e.Label };
    }
}
