using System.Text.Json;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// The content a model replay re-trains from, which the history does not hold: the snapshots' members (the
/// <c>members</c> of a dataset builder's export answer, <c>{"contributionId", "content": base64}</c>, where an erased
/// member has no content) and, for feedback, the texts of the predictions it names (<c>predictions</c>:
/// <c>{"predictionId", "text", "label"}</c>, from the model service's operator). Every member's content is checked
/// against the content hash its snapshot records before it is used; prediction texts cannot be checked alone, only by
/// the re-run giving the recorded model hash.
/// </summary>
internal sealed record ModelContent(IReadOnlyDictionary<string, byte[]> Contents, IReadOnlyDictionary<string, (string Text, string Label)> Predictions)
{
    public static ModelContent Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var contents = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        var predictions = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array)
            foreach (var m in members.EnumerateArray())
                if (m.TryGetProperty("contributionId", out var id) && m.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    contents[id.GetString()!] = Convert.FromBase64String(content.GetString()!);
        if (document.RootElement.TryGetProperty("predictions", out var said) && said.ValueKind == JsonValueKind.Array)
            foreach (var p in said.EnumerateArray())
                predictions[p.GetProperty("predictionId").GetString()!] = (p.GetProperty("text").GetString()!, p.GetProperty("label").GetString()!);
        return new ModelContent(contents, predictions);
    }
}
