using System.Text.Json;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Each reviewer's lean toward each contributor, summed from the history as quality-scoring keeps it: every revealed,
/// unclipped review of a first-round consensus score (score − consensusScore each), for scores recorded under a policy
/// with <c>leanAuditPoints</c> or <c>leanExclusionPoints</c> above 0, in log order. Read by targeted audits
/// (<see cref="AppealReplay"/>) and by the draw's exclusion of a favouring reviewer (<see cref="AssignmentReplay"/>).
/// </summary>
internal sealed class LeanTallies
{
    /// <summary>Reviews a lean needs before it counts, as quality-scoring's <c>LeanAudit.MinCases</c>.</summary>
    public const int MinCases = 2;

    private readonly Dictionary<string, (int Cases, long Points)> _tallies = new(StringComparer.Ordinal);

    /// <summary>Adds a consensus score's kept reviews; true when a tally now holds at least two reviews averaging <paramref name="points"/> either way.</summary>
    public bool Add(JsonElement scored, string? contributor, int points)
    {
        if (contributor is null || Member(scored, "components") is not { } components || Int(components, "consensusScore") is not { } consensus)
            return false;
        var leaning = false;
        foreach (var review in Array(scored, "reviews") ?? [])
        {
            if (Text(review, "validator") is not { } reviewer || Int(review, "score") is not { } score || Bool(review, "clipped") == true)
                continue;
            var key = Key(reviewer, contributor);
            var (cases, sum) = _tallies.GetValueOrDefault(key);
            cases++;
            sum += score - consensus;
            _tallies[key] = (cases, sum);
            leaning |= points > 0 && cases >= MinCases && Math.Abs(sum) >= (long)points * cases;
        }
        return leaning;
    }

    /// <summary>Whether <paramref name="reviewer"/> favours <paramref name="contributor"/>: at least two reviews averaging <paramref name="points"/> above the consensus.</summary>
    public bool Favours(string reviewer, string contributor, int points) =>
        points > 0 && _tallies.TryGetValue(Key(reviewer, contributor), out var t) && t.Cases >= MinCases && t.Points >= (long)points * t.Cases;

    /// <summary>The tally of <paramref name="reviewer"/> toward <paramref name="contributor"/>, for a finding's text.</summary>
    public (int Cases, long Points) Of(string reviewer, string contributor) => _tallies.GetValueOrDefault(Key(reviewer, contributor));

    private static string Key(string reviewer, string contributor) => (reviewer + "/" + contributor).ToLowerInvariant();
}
