using CommunityAI.CommunityModel.Domain;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// A small, deterministic corpus of community messages for the default labels: each text holds two words typical of its
/// label among four everyday words, so a few examples teach little and more examples teach more. Same seed, same texts.
/// </summary>
public static class CommunityTexts
{
    public static readonly string[] Labels = ["question", "bug-report", "idea", "praise"];

    private static readonly Dictionary<string, string[]> Typical = new()
    {
        ["question"] = ["how", "why", "where", "when", "which", "what", "could", "anyone", "explain", "wonder", "unsure", "clarify",
            "meaning", "difference", "possible", "should", "does", "tell", "advice", "guide", "confused", "know", "help", "ask"],
        ["bug-report"] = ["crash", "error", "broken", "fails", "exception", "freeze", "stuck", "wrong", "missing", "timeout", "blank", "stack",
            "trace", "regression", "corrupt", "glitch", "lost", "hangs", "refuses", "invalid", "denied", "leak", "null", "overflow"],
        ["idea"] = ["suggest", "propose", "maybe", "feature", "imagine", "add", "option", "support", "improve", "consider", "wish", "integrate",
            "allow", "enable", "plugin", "roadmap", "darkmode", "shortcut", "export", "template", "automate", "schedule", "toggle", "someday"],
        ["praise"] = ["thanks", "great", "love", "awesome", "excellent", "amazing", "brilliant", "wonderful", "fantastic", "superb", "kudos", "impressed",
            "delighted", "perfect", "smooth", "beautiful", "elegant", "bravo", "cheers", "grateful", "nice", "solid", "favourite", "joy"],
    };

    /// <summary>The everyday words every label uses alike: noise, as far as the label goes.</summary>
    public static readonly string[] Everyday = ["the", "app", "page", "today", "again", "this", "my", "our", "team", "portal", "screen", "wallet",
        "data", "model", "button", "after", "update", "login", "with", "for", "it", "is", "on", "every"];

    /// <summary><paramref name="perLabel"/> examples of each label, from <paramref name="seed"/>.</summary>
    public static List<LabelledExample> Examples(int perLabel, int seed)
    {
        var random = new Random(seed);
        var examples = new List<LabelledExample>();
        for (var i = 0; i < perLabel; i++)
            foreach (var label in Labels)
            {
                var words = new List<string> { Pick(random, Typical[label]), Pick(random, Typical[label]) };
                for (var w = 0; w < 4; w++)
                    words.Add(Pick(random, Everyday));
                examples.Add(new LabelledExample(string.Join(' ', words.OrderBy(_ => random.Next())), label));
            }
        return examples;
    }

    /// <summary>The content a contributor stores for an example (before the salt line): the documented JSON.</summary>
    public static string Json(LabelledExample example) => System.Text.Json.JsonSerializer.Serialize(new { text = example.Text, label = example.Label });

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];
}
