using System.Text;
using System.Text.Json;
using CommunityAI.Formats;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// One labelled example: the content of a <c>data</c> contribution, after its salt line, is the UTF-8 JSON object
/// <c>{"text": "...", "label": "..."}</c> (README, "The community model"). Anything else is not an example.
/// </summary>
public sealed record LabelledExample(string Text, string Label)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The example in the stored bytes, or null when they hold none, its text is blank or too long, or its label is unknown.</summary>
    public static LabelledExample? TryRead(ReadOnlySpan<byte> stored, IReadOnlyCollection<string> labels, int maxTextLength)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var content = ContentSalt.TryStrip(stored, out var unsalted) ? unsalted : stored;
        string json;
        try
        {
            json = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String)
                return null;
            var (t, l) = (text.GetString()!, label.GetString()!);
            return string.IsNullOrWhiteSpace(t) || t.Length > maxTextLength || !labels.Contains(l) ? null : new LabelledExample(t, l);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
