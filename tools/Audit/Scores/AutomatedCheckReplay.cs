using System.Globalization;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Recomputes every AutomatedChecksCompleted from what it was computed from (rules of AutomatedChecksCompleted, written
/// again here from the contract): the content facts must be the signed submission's, the violations the named policy's
/// kind rules applied to them, the exact duplicate the first earlier check of the same content hash, a near duplicate an
/// earlier original at or above the policy's threshold, and the score the contract's formula. The texts are private, so
/// two things are checked one way only: the text rule by the recorded length (a text shorter than the kind's minimum must
/// be flagged; trimming can only shorten it), and the similarity as recorded. A check with no submission before it carries
/// no inputs to recompute and is only counted. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class AutomatedCheckReplay : IReplay
{
    public string Name => "automatedChecks";

    IReplaySection IReplay.Finish() => Finish();

    private const int ViolationPenalty = 25;
    private readonly Dictionary<string, PolicyRules> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Submission> _submissions = new(StringComparer.OrdinalIgnoreCase);
    // The first check of each content hash: the one every later check of it names as the original.
    private readonly Dictionary<string, string> _firstOfHash = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _checkedAt = new(StringComparer.OrdinalIgnoreCase);
    // Checks that were neither duplicate nor near duplicate and had a text: the only ones a near duplicate can name.
    private readonly HashSet<string> _originals = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private int _checks, _equal, _withoutSubmission, _duplicates, _nearDuplicates;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "scoringpolicypublished":
                if (Text(e.Data, "version") is { } version)
                    _policies.TryAdd(version, PolicyRules.From(e.Data));
                break;
            case "contributionsubmitted":
                if (Text(e.Data, "contributionId") is { } submittedId)
                    _submissions.TryAdd(submittedId, new Submission(Text(e.Data, "contributor"), Text(e.Data, "kind"), Text(e.Data, "contentHash"),
                        Text(e.Data, "contentUri"), Long(e.Data, "contentSize")));
                break;
            case "automatedcheckscompleted":
                Check(e);
                break;
        }
    }

    public AutomatedCheckReplayResult Finish() => new(_checks, _equal, _withoutSubmission, _duplicates, _nearDuplicates, _findings);

    private void Check(LogEvent e)
    {
        var d = e.Data;
        var id = Text(d, "contributionId");
        var hash = Text(d, "contentHash");
        var uri = Text(d, "contentUri");
        var violations = Array(d, "violations")?.Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToList();
        if (id is null || hash is null || uri is null || Text(d, "policyVersion") is not { } version || violations is null
            || violations.Any(v => v is null) || Int(d, "score") is not { } score)
        {
            Find(e.Index, "malformed checks", $"{e.Describe()}: needs contributionId, contentHash, contentUri, policyVersion, violations and an integer score");
            return;
        }
        _checks++;
        var before = _findings.Count;
        if (_checkedAt.TryGetValue(id, out var first))
            Find(e.Index, "checked twice", $"contribution {id} is checked again (first at log index {first})");
        else
            _checkedAt[id] = e.Index;

        var duplicateOf = Text(d, "duplicateOf");
        var nearDuplicateOf = Text(d, "nearDuplicateOf");
        var textLength = Int(d, "textLength");
        var original = _firstOfHash.TryGetValue(hash, out var earlier) && !string.Equals(earlier, id, StringComparison.OrdinalIgnoreCase) ? earlier : null;
        var namesOriginal = nearDuplicateOf is not null && _originals.Contains(nearDuplicateOf);
        _firstOfHash.TryAdd(hash, id);
        if (duplicateOf is null && nearDuplicateOf is null && textLength is not null)
            _originals.Add(id);
        if (duplicateOf is not null)
            _duplicates++;
        if (nearDuplicateOf is not null)
            _nearDuplicates++;
        if (!_submissions.TryGetValue(id, out var submitted))
        {
            _withoutSubmission++;
            return;
        }

        // The exact duplicate: the content hash recorded decides it (the inputs are compared with the submission below).
        if (!string.Equals(duplicateOf, original, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "duplicate", $"contribution {id} names {duplicateOf ?? "no original"}; the first check of content {hash} is {original ?? "this one"}");
        var similarity = Member(d, "nearDuplicateSimilarity") is { ValueKind: JsonValueKind.Number } s ? s.GetDouble() : (double?)null;
        _policies.TryGetValue(version, out var policy);
        if (policy is null)
            Find(e.Index, "checks policy", $"contribution {id} is checked under policy {version}, which was not published before it");
        else
            CheckNear(e.Index, id, nearDuplicateOf, similarity, policy, namesOriginal);

        var size = Long(d, "contentSize");
        var differ = new List<string>();
        if (!string.Equals(Text(d, "contributor"), submitted.Contributor, StringComparison.OrdinalIgnoreCase))
            differ.Add("contributor");
        if (!string.Equals(Text(d, "kind"), submitted.Kind, StringComparison.Ordinal))
            differ.Add("kind");
        if (!string.Equals(hash, submitted.ContentHash, StringComparison.OrdinalIgnoreCase))
            differ.Add("contentHash");
        if (!string.Equals(uri, submitted.ContentUri, StringComparison.Ordinal))
            differ.Add("contentUri");
        if (size != submitted.ContentSize)
            differ.Add("contentSize");
        if (differ.Count > 0)
            Find(e.Index, "checks inputs", $"contribution {id}: {string.Join(", ", differ)} differ from the signed submission");

        // A pointer into a content-addressed store: it earns the formula's bonus, and some kinds' rules require it.
        var contentAddressed = uri.StartsWith("ipfs://", StringComparison.Ordinal) || uri.StartsWith("ar://", StringComparison.Ordinal);
        if (policy is not null)
            CheckViolations(e.Index, id, submitted.Kind ?? "", size, textLength, contentAddressed, violations!, policy);

        // The contract's formula on the recorded violations (checked just above).
        var expected = duplicateOf is not null || nearDuplicateOf is not null ? 0
            : Math.Clamp((size is > 0 ? 70 : 50) + (contentAddressed ? 10 : 0) - ViolationPenalty * violations.Count, 0, 100);
        if (score != expected)
            Find(e.Index, "checks score", $"contribution {id} records automated score {score}; its recorded inputs give {expected}");
        if (_findings.Count == before)
            _equal++;
    }

    private void CheckNear(long index, string id, string? nearDuplicateOf, double? similarity, PolicyRules policy, bool namesOriginal)
    {
        if (nearDuplicateOf is null)
        {
            if (similarity is { } below && below >= policy.NearDuplicateThreshold)
                Find(index, "near duplicate", $"contribution {id} records similarity {Show(below)} to its closest text, at or above the threshold {Show(policy.NearDuplicateThreshold)}, and names no near duplicate");
            return;
        }
        if (similarity is not { } value || value < policy.NearDuplicateThreshold)
            Find(index, "near duplicate", $"contribution {id} names near duplicate {nearDuplicateOf} with similarity {(similarity is { } v ? Show(v) : "none")}, below the threshold {Show(policy.NearDuplicateThreshold)}");
        if (!namesOriginal)
            Find(index, "near duplicate", $"contribution {id} names near duplicate {nearDuplicateOf}, which is not an earlier original text");
    }

    private void CheckViolations(long index, string id, string kind, long? size, int? textLength, bool contentAddressed, IReadOnlyList<string?> recorded, PolicyRules policy)
    {
        // Each violation is "rule: detail"; the rules are compared, the details are the service's wording.
        var rules = recorded.Select(v => v![..Math.Max(0, v!.IndexOf(':', StringComparison.Ordinal))]).ToList();
        var expected = new List<string>();
        if (!policy.Kinds.TryGetValue(kind, out var rule))
            expected.Add("kind");
        else
        {
            if (size is { } bytes && rule.MaxBytes is { } max && bytes > max)
                expected.Add("size");
            if (size is 0)
                expected.Add("size");
            if (rule.RequireContentAddressed && !contentAddressed)
                expected.Add("uri");
        }
        var texts = rules.Count(r => r == "text");
        var other = rules.Where(r => r != "text").Order(StringComparer.Ordinal).ToList();
        if (!other.SequenceEqual(expected.Order(StringComparer.Ordinal)))
            Find(index, "checks violations", $"contribution {id} records [{string.Join(", ", other)}]; policy {policy.Version}'s rules for {kind} give [{string.Join(", ", expected)}] (text aside)");
        var textRequired = rule is not null && textLength is { } length && length < rule.MinTextLength;
        var textPossible = rule is not null && textLength is not null && texts <= 1;
        if ((textRequired && texts != 1) || (texts > 0 && !textPossible))
            Find(index, "checks violations", $"contribution {id} records {texts} text violation(s) for a text of {(textLength is { } l ? l.ToString(CultureInfo.InvariantCulture) : "no")} characters, minimum {(rule is null ? "none" : rule.MinTextLength.ToString(CultureInfo.InvariantCulture))}");
    }

    private static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private sealed record Submission(string? Contributor, string? Kind, string? ContentHash, string? ContentUri, long? ContentSize);

    private sealed record KindRules(long? MaxBytes, int MinTextLength, bool RequireContentAddressed);

    private sealed record PolicyRules(string Version, double NearDuplicateThreshold, IReadOnlyDictionary<string, KindRules> Kinds)
    {
        public static PolicyRules From(JsonElement data)
        {
            var kinds = new Dictionary<string, KindRules>(StringComparer.Ordinal);
            if (Member(data, "kinds") is { ValueKind: JsonValueKind.Object } members)
                foreach (var kind in members.EnumerateObject())
                    kinds[kind.Name] = new KindRules(Long(kind.Value, "maxBytes"), Int(kind.Value, "minTextLength") ?? 0,
                        Bool(kind.Value, "requireContentAddressed") ?? false);
            var threshold = Member(data, "nearDuplicateThreshold") is { ValueKind: JsonValueKind.Number } t ? t.GetDouble() : 1;
            return new PolicyRules(Text(data, "version") ?? "", threshold, kinds);
        }
    }
}
