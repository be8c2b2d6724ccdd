using System.Globalization;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Recomputes every ContributionScored from the events recorded before it: the policy it names, the automated
/// checks, the assigned reviewers' reputations and the signed reviews. Each difference is a finding naming the
/// contribution. Scores written before components were recorded (contracts 1.0) carry nothing to recompute and are
/// only counted. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class ScoreReplay(SigningDomain domain) : IReplay
{
    public string Name => "scores";

    IReplaySection IReplay.Finish() => Finish();

    private readonly Dictionary<string, Policy> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Checks> _checks = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Assignment> _assignments = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<Review>> _reviews = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _scoredAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private int _scored, _equal, _byConsensus, _fallback, _duplicate, _withoutComponents;
    // Agreements were first recorded in contracts 1.15; once one is in the history, every later score records them, so a
    // writer cannot leave one out to pay a review far from the consensus as if it sat on it.
    private long? _firstAgreementAt;

    public void Add(LogEvent e)
    {
        switch (EventData.Normalize(e.Type))
        {
            case "scoringpolicypublished":
                AddPolicy(e);
                break;
            case "automatedcheckscompleted":
                if (Text(e.Data, "contributionId") is { } checkedId && Int(e.Data, "score") is { } automated)
                    _checks.TryAdd(checkedId, new Checks(e.Index, automated, Text(e.Data, "duplicateOf"), Text(e.Data, "nearDuplicateOf")));
                else
                    Find(e.Index, "malformed checks", $"{e.Describe()}: needs contributionId and an integer score");
                break;
            case "reviewersassigned":
                AddAssignment(e);
                break;
            case "reviewerreassigned":
                // A replacement reviews with its reputation when it was drawn (the draw itself is AssignmentReplay's).
                if (Text(e.Data, "contributionId") is { } reassignedId && _assignments.TryGetValue(reassignedId, out var reassigned)
                    && Member(e.Data, "replacement") is { } replacement && Text(replacement, "validator") is { } validator
                    && Decimal(replacement, "reputation") is { } reputation)
                    reassigned.Reputations.TryAdd(validator, reputation);
                else
                    Find(e.Index, "malformed reassignment", $"{e.Describe()}: needs the contributionId of an assigned case and a replacement with validator and reputation");
                break;
            case "reviewsubmitted":
                AddReview(e);
                break;
            case "contributionscored":
                Score(e);
                break;
        }
    }

    public ScoreReplayResult Finish() =>
        new(_scored, _equal, _byConsensus, _fallback, _duplicate, _withoutComponents, _findings);

    private void AddPolicy(LogEvent e)
    {
        if (Text(e.Data, "version") is not { } version || Int(e.Data, "automatedWeight") is not { } weight
            || Int(e.Data, "clipDistance") is not { } clip || Int(e.Data, "quorum") is not { } quorum)
        {
            Find(e.Index, "malformed policy", $"{e.Describe()}: needs version, automatedWeight, clipDistance and quorum");
            return;
        }
        var policy = new Policy(e.Index, weight, clip, quorum);
        if (_policies.TryGetValue(version, out var earlier) && earlier with { Index = e.Index } != policy)
            Find(e.Index, "policy republished",
                $"policy {version} is published again with other rules (first at log index {earlier.Index}); a version never changes");
        _policies.TryAdd(version, policy);
    }

    private void AddAssignment(LogEvent e)
    {
        var reviewers = Array(e.Data, "reviewers");
        if (Text(e.Data, "contributionId") is not { } id || reviewers is null || Int(e.Data, "quorum") is not { } quorum)
        {
            Find(e.Index, "malformed assignment", $"{e.Describe()}: needs contributionId, reviewers and an integer quorum");
            return;
        }
        var reputations = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        foreach (var reviewer in reviewers)
        {
            if (Text(reviewer, "validator") is { } validator && Decimal(reviewer, "reputation") is { } reputation)
                reputations.TryAdd(validator, reputation);
            else
                Find(e.Index, "malformed assignment", $"contribution {id}: a reviewer without validator or numeric reputation");
        }
        _assignments.TryAdd(id, new Assignment(e.Index, reputations, quorum));
    }

    private void AddReview(LogEvent e)
    {
        if (Text(e.Data, "contributionId") is not { } id || Text(e.Data, "validator") is not { } validator
            || Int(e.Data, "score") is not { } score || Text(e.Data, "verdict") is not { } verdict)
        {
            Find(e.Index, "malformed review", $"{e.Describe()}: needs contributionId, validator, an integer score and a verdict");
            return;
        }
        var list = _reviews.TryGetValue(id, out var existing) ? existing : _reviews[id] = [];
        list.Add(new Review(e.Index, id, validator, score, verdict, Text(e.Data, "nonce"), Long(e.Data, "deadline"), Text(e.Data, "signature"),
            Text(e.Data, "salt")));
    }

    private void Score(LogEvent e)
    {
        var before = _findings.Count;
        var id = Text(e.Data, "contributionId");
        var score = Int(e.Data, "score");
        if (id is null || score is null)
        {
            Find(e.Index, "malformed score", $"{e.Describe()}: needs contributionId and an integer score");
            return;
        }
        _scored++;
        if (_scoredAt.TryGetValue(id, out var first))
            Find(e.Index, "scored twice", $"contribution {id} is scored again (first at log index {first})");
        else
            _scoredAt[id] = e.Index;

        if (Member(e.Data, "components") is not { } components)
        {
            // Nothing to recompute, so not counted as recomputed equal either.
            _withoutComponents++;
            return;
        }
        Recompute(e.Index, id, score.Value, e.Data, components);
        if (_findings.Count == before)
            _equal++;
    }

    private void Recompute(long index, string id, int score, JsonElement data, JsonElement components)
    {
        var recordedAutomated = Int(components, "automatedScore");
        var recordedWeight = Int(components, "automatedWeight");
        var flags = Array(components, "flags")?.Select(f => f.ValueKind == JsonValueKind.String ? f.GetString() : null).ToList();
        var version = Text(data, "policyVersion");
        if (recordedAutomated is null || recordedWeight is null || flags is null || flags.Contains(null) || version is null)
        {
            Find(index, "malformed score",
                $"contribution {id}: needs policyVersion and components with integer automatedScore and automatedWeight and a list of flags");
            return;
        }

        // 1. The policy, as published before the score.
        if (!_policies.TryGetValue(version, out var policy))
            Find(index, "policy version", $"contribution {id} is scored under policy {version}, which no ScoringPolicyPublished before it publishes");
        else if (recordedWeight != policy.AutomatedWeight)
            Find(index, "automated weight", $"contribution {id} records automatedWeight {recordedWeight}, policy {version} publishes {policy.AutomatedWeight}");

        // 2. The automated part, as the checks recorded it.
        var automated = recordedAutomated.Value;
        _checks.TryGetValue(id, out var checks);
        if (checks is null)
            Find(index, "automated score", $"contribution {id} is scored but no AutomatedChecksCompleted was recorded before it");
        else if (checks.Score != recordedAutomated)
            Find(index, "automated score", $"contribution {id} records automatedScore {recordedAutomated}, its checks scored {checks.Score}");
        if (checks is not null)
            automated = checks.Score;

        var weight = policy?.AutomatedWeight ?? recordedWeight.Value;
        var fallback = Text(data, "fallback");
        _assignments.TryGetValue(id, out var assignment);
        var submitted = _reviews.GetValueOrDefault(id) ?? [];
        List<string> expectedFlags;
        int expected;

        // 3. Duplicates and fallbacks decide without a consensus.
        if (checks is { DuplicateOf: not null } or { NearDuplicateOf: not null })
        {
            _duplicate++;
            expected = 0;
            expectedFlags = [];
            if (checks.DuplicateOf is not null)
                expectedFlags.Add(ScoringRules.ExactDuplicate);
            if (checks.NearDuplicateOf is not null)
                expectedFlags.Add(ScoringRules.NearDuplicate);
        }
        else if (fallback == ScoringRules.NoValidators)
        {
            _fallback++;
            expected = automated;
            expectedFlags = ["fallback:" + ScoringRules.NoValidators];
            if (assignment is { Reputations.Count: > 0 })
                Find(index, "fallback", $"contribution {id} falls back for no validators, but {assignment.Reputations.Count} were assigned at log index {assignment.Index}");
        }
        else if (fallback == ScoringRules.NoQuorum)
        {
            _fallback++;
            expected = automated;
            expectedFlags = ["fallback:" + ScoringRules.NoQuorum];
            if (assignment is null)
                Find(index, "fallback", $"contribution {id} falls back for no quorum, but no reviewers were assigned before it");
            else if (submitted.Count >= assignment.Quorum)
                Find(index, "fallback", $"contribution {id} falls back for no quorum, but {submitted.Count} reviews were recorded before it (quorum {assignment.Quorum})");
        }
        else if (fallback is not null)
        {
            Find(index, "fallback", $"contribution {id} names fallback \"{fallback}\", which is neither {ScoringRules.NoValidators} nor {ScoringRules.NoQuorum}");
            return;
        }
        else
        {
            // 4. The consensus of the signed reviews.
            _byConsensus++;
            var consensus = Consensus(index, id, data, components, submitted, assignment, policy);
            if (consensus is null)
                return;
            expected = ScoringRules.Final(weight, automated, consensus.Value.Median, consensus.Value.Verdict);
            expectedFlags = consensus.Value.Verdict == ScoringRules.Reject ? [ScoringRules.RejectedByConsensus] : [];
        }

        if (score != expected)
            Find(index, "score", $"contribution {id} is scored {score}, the history recomputes to {expected}");
        if (!flags.Order(StringComparer.Ordinal).SequenceEqual(expectedFlags.Order(StringComparer.Ordinal)))
            Find(index, "flags", $"contribution {id} records flags [{string.Join(", ", flags)}], the history gives [{string.Join(", ", expectedFlags)}]");
    }

    private (int Median, string Verdict)? Consensus(long index, string id, JsonElement data, JsonElement components,
        List<Review> submitted, Assignment? assignment, Policy? policy)
    {
        if (assignment is null)
        {
            Find(index, "reviews", $"contribution {id} is scored by consensus, but no reviewers were assigned before it");
            return null;
        }
        if (submitted.Count == 0 || submitted.Count < assignment.Quorum)
        {
            Find(index, "reviews", $"contribution {id} is scored by consensus on {submitted.Count} recorded reviews, fewer than the quorum {assignment.Quorum}");
            return null;
        }

        foreach (var review in submitted)
        {
            var signer = Recover(review);
            if (signer is null || !string.Equals(signer, review.Validator, StringComparison.OrdinalIgnoreCase))
                Find(review.Index, "review signature",
                    $"contribution {id}: the review of {review.Validator} recovers to {signer ?? "no address"} (EIP-712 Review, {domain})");
            if (!assignment.Reputations.ContainsKey(review.Validator))
                Find(review.Index, "review by unassigned", $"contribution {id}: {review.Validator} reviewed but was not assigned");
        }
        var duplicates = submitted.GroupBy(r => r.Validator, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        foreach (var validator in duplicates)
            Find(index, "reviews", $"contribution {id}: {validator} has more than one review recorded");

        // What the history says the consensus was made of.
        var recomputed = submitted
            .Select(r => (r.Validator, r.Score, r.Verdict, Weight: assignment.Reputations.GetValueOrDefault(r.Validator)))
            .ToList();
        var median = ScoringRules.WeightedMedian(recomputed.Select(r => (r.Score, r.Weight)).ToList());
        var clipDistance = policy?.ClipDistance ?? 0;
        var verdict = ScoringRules.Verdict(recomputed.Select(r => (r.Verdict, r.Weight, ScoringRules.Clipped(r.Score, median, clipDistance))));

        if (Int(components, "consensusScore") is var recordedMedian && recordedMedian != median)
            Find(index, "consensus score", $"contribution {id} records consensusScore {Show(recordedMedian)}, the reviews recompute to {median}");
        if (Text(components, "consensusVerdict") is var recordedVerdict && recordedVerdict != verdict)
            Find(index, "consensus verdict", $"contribution {id} records consensusVerdict {recordedVerdict ?? "(none)"}, the reviews recompute to {verdict}");

        // What the score says it used, review by review.
        var used = Array(data, "reviews");
        if (used is null)
        {
            Find(index, "reviews", $"contribution {id} is scored by consensus but lists no reviews");
            return (median, verdict);
        }
        var matched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in used)
        {
            var validator = Text(entry, "validator");
            var score = Int(entry, "score");
            var reviewVerdict = Text(entry, "verdict");
            // ScoredReview names the weight "reputation" (the reputation at assignment).
            var weight = Decimal(entry, "reputation") ?? Decimal(entry, "weight");
            var clipped = Bool(entry, "clipped");
            if (validator is null || score is null || reviewVerdict is null || weight is null || clipped is null)
            {
                Find(index, "malformed score", $"contribution {id}: a used review needs validator, score, verdict, reputation and clipped");
                continue;
            }
            if (!matched.Add(validator))
            {
                Find(index, "review used twice", $"contribution {id}: the review of {validator} is listed more than once");
                continue;
            }
            var source = submitted.FirstOrDefault(r => string.Equals(r.Validator, validator, StringComparison.OrdinalIgnoreCase));
            if (source is null)
            {
                Find(index, "review not submitted", $"contribution {id} uses a review by {validator} that no ReviewSubmitted before it records");
                continue;
            }
            if (source.Score != score)
                Find(index, "review score", $"contribution {id}: the review of {validator} is used with score {score}, it was submitted with {source.Score}");
            if (source.Verdict != reviewVerdict)
                Find(index, "review verdict", $"contribution {id}: the review of {validator} is used with verdict {reviewVerdict}, it was submitted with {source.Verdict}");
            if (!assignment.Reputations.TryGetValue(validator, out var assigned) || assigned != weight)
                Find(index, "review weight",
                    $"contribution {id}: the review of {validator} weighs {weight.Value.ToString(CultureInfo.InvariantCulture)}, the assigned reputation is {(assignment.Reputations.ContainsKey(validator) ? assigned.ToString(CultureInfo.InvariantCulture) : "none (not assigned)")}");
            var shouldClip = ScoringRules.Clipped(source.Score, median, clipDistance);
            if (clipped != shouldClip)
                Find(index, "clipped", $"contribution {id}: the review of {validator} is marked clipped={clipped.Value.ToString().ToLowerInvariant()}, its score {source.Score} against median {median} and clip distance {clipDistance} gives {shouldClip.ToString().ToLowerInvariant()}");
            CheckAgreement(index, id, validator, entry, ScoringRules.Agreement(source.Score, median, clipDistance),
                $"its score {source.Score} against median {median} and clip distance {clipDistance}");
        }
        foreach (var omitted in submitted.Where(r => !matched.Contains(r.Validator)))
            Find(index, "review omitted", $"contribution {id}: the review of {omitted.Validator} (log index {omitted.Index}) was recorded before the score but not used");
        return (median, verdict);
    }

    /// <summary>A used review's agreement (ScoredReview.agreement, 1.15): the recomputed one, or absent only before the first recorded.</summary>
    private void CheckAgreement(long index, string id, string validator, JsonElement entry, decimal expected, string because)
    {
        var member = Member(entry, "agreement");
        if (member is null)
        {
            if (_firstAgreementAt is { } first)
                Find(index, "review agreement missing", $"contribution {id}: the review of {validator} records no agreement, though scores record one since log index {first}");
            return;
        }
        _firstAgreementAt ??= index;
        var recorded = Decimal(entry, "agreement");
        if (recorded != expected)
            Find(index, "review agreement", $"contribution {id}: the review of {validator} records agreement {member.Value.GetRawText()}, {because} gives {expected.ToString(CultureInfo.InvariantCulture)}");
    }

    private string? Recover(Review review)
    {
        // Version-2 reviews carry their salt; one without it cannot have been signed in the version-2 domain.
        if (review.Score is < 0 or > ushort.MaxValue || review.Deadline is not { } deadline || deadline < 0 || review.Salt is null
            || !ulong.TryParse(review.Nonce, NumberStyles.None, CultureInfo.InvariantCulture, out var nonce))
            return null;
        try
        {
            var payload = new ReviewPayload(review.Validator, review.ContributionId, (ushort)review.Score, review.Verdict, review.Salt, nonce, (ulong)deadline);
            return TypedDataSigner.RecoverSigner(payload, domain, review.Signature);
        }
        catch (ArgumentException)
        {
            // An address or id that cannot be encoded: nobody can have signed it.
            return null;
        }
    }

    private static string Show(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(none)";

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private sealed record Policy(long Index, int AutomatedWeight, int ClipDistance, int Quorum);

    private sealed record Checks(long Index, int Score, string? DuplicateOf, string? NearDuplicateOf);

    private sealed record Assignment(long Index, Dictionary<string, decimal> Reputations, int Quorum);

    private sealed record Review(long Index, string ContributionId, string Validator, int Score, string Verdict, string? Nonce, long? Deadline, string? Signature, string? Salt);
}
