using System.Text;
using System.Text.Json;
using CommunityAI.Formats;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// Feedback on one served prediction: the content of a <c>feedback</c> contribution, after its salt line, is the UTF-8
/// JSON object <c>{"predictionId": "...", "correct": true}</c> or <c>{"predictionId": "...", "correct": false, "label": "..."}</c>
/// (README, "The community model"). Scored feedback on a known prediction becomes a labelled example: the prediction's
/// text with the predicted label when it was right, with the given label otherwise.
/// </summary>
public sealed record Feedback(string PredictionId, bool Correct, string? Label)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The feedback in the stored bytes, or null when they hold none or name a label the model does not know.</summary>
    public static Feedback? TryRead(ReadOnlySpan<byte> stored, IReadOnlyCollection<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var content = ContentSalt.TryStrip(stored, out var unsalted) ? unsalted : stored;
        try
        {
            using var document = JsonDocument.Parse(StrictUtf8.GetString(content), new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("predictionId", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length is 0 or > 64
                || !root.TryGetProperty("correct", out var correct) || correct.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return null;
            if (correct.GetBoolean())
                return new Feedback(id.GetString()!, true, null);
            return root.TryGetProperty("label", out var label) && label.ValueKind == JsonValueKind.String && labels.Contains(label.GetString()!)
                ? new Feedback(id.GetString()!, false, label.GetString())
                : null;
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The labelled example this feedback makes of the prediction it names.</summary>
    public LabelledExample ExampleOf(string predictedText, string predictedLabel) => new(predictedText, Correct ? predictedLabel : Label!);
}
