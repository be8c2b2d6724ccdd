using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Recomputes every appeal's settlement (AppealSettled in <c>ledger/credits/{id}</c>) from the history alone, apart from the
/// ledger's code. Under the reward policy the contribution's credit named: the contributor's credit at the appeal's final
/// score with the inputs the first credit used (what the address had been credited in that epoch before it, in log order,
/// and the first score's evidence), its delta against the first credit (0 once a RewardAdjusted reversed the contribution
/// or an activated contribution-invalidation of it precedes the settlement, even of a credit of 0 that left nothing to
/// reverse; a settlement that pays such a contributor anyway is named <c>settlement pays invalidated</c>);
/// the validator pool of the kind split by the published rule over the decision's firstRound (the first score's reviews
/// when an older decision lacks it) and the panel's reviews, each validator's delta against its ValidatorsRewarded line;
/// every line, the epoch (not yet closed), at most one settlement per contribution and one for every decided appeal of a
/// credited contribution. The slashes (contracts 1.8): after an audit round or a first-round reviewer's appeal (the
/// AppealFiled's appellantRole) whose panel decided, every firstRound review the panel clipped costs its reviewer
/// floor(pool · slashBasisPoints / 10000), in <c>slashes</c> and in its line. Each difference is named at the
/// settlement's log index. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class AppealSettlementReplay : IReplay
{
    public string Name => "settlements";

    IReplaySection IReplay.Finish() => Finish();

    private const string CreditStreams = "ledger/credits/";

    private readonly RewardPolicySchedule _policies = new();
    private readonly HashSet<string> _seenContent = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, JsonElement> _scores = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Credit> _credits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string, long), BigInteger> _earned = [];
    private readonly Dictionary<string, IReadOnlyList<JsonElement>> _paid = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (long Index, JsonElement Data)> _decided = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _roles = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _reversed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ReversalCheck.Activation> _invalidated = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _settledAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private long _lastClosed = -1;
    private BigInteger _credited, _debited;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "rewardpolicypublished":
                _policies.Observe(e);
                break;
            case "contributionsubmitted" when e.Stream.StartsWith("contributions/", StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } submitted && Member(e.Data, "contentSize") is { ValueKind: JsonValueKind.Number })
                    _seenContent.Add(submitted);
                break;
            case "contributionscored" when e.Stream.StartsWith("scoring/", StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } scored)
                    _scores.TryAdd(scored, e.Data.Clone());
                break;
            case "appealfiled" when e.Stream.StartsWith("scoring/", StringComparison.Ordinal):
                if (Text(e.Data, "appealId") is { } appeal)
                    _roles.TryAdd(appeal, Text(e.Data, "appellantRole") ?? "contributor"); // before 1.6 every appeal was the contributor's
                break;
            case "appealdecided" when e.Stream.StartsWith("scoring/", StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } decided)
                    _decided.TryAdd(decided, (e.Index, e.Data.Clone())); // the appeal replay names a second decision
                break;
            case "contributionrewarded" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                AddCredit(e);
                break;
            case "validatorsrewarded" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } paid)
                    _paid.TryAdd(paid, Array(e.Data, "lines") ?? []);
                break;
            case "rewardadjusted" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } reversed)
                    _reversed.Add(reversed);
                break;
            case "policyactivated":
                if (ReversalCheck.ActivationOf(e) is { } activation)
                    _invalidated.TryAdd(activation.ContributionId, activation); // the first one, as the ledger reads it
                break;
            case "epochclosed" when e.Stream.StartsWith("ledger/epochs/", StringComparison.Ordinal):
                if (Long(e.Data, "epoch") is { } closed)
                    _lastClosed = Math.Max(_lastClosed, closed);
                break;
            case "appealsettled":
                Check(e);
                break;
        }
    }

    public AppealSettlementReplayResult Finish()
    {
        foreach (var (id, decided) in _decided.Where(d => !_settledAt.ContainsKey(d.Key) && _credits.ContainsKey(d.Key)))
            Find(decided.Index, "appeal unsettled", $"the appeal on contribution {id} was decided, but no AppealSettled settles its reward");
        return new AppealSettlementReplayResult(_decided.Count, _settledAt.Count, _credited, _debited, _findings);
    }

    private void AddCredit(LogEvent e)
    {
        if (Text(e.Data, "contributionId") is not { } id || Text(e.Data, "contributor") is not { } contributor
            || !TryAmount(Text(e.Data, "amount"), out var amount) || Long(e.Data, "epoch") is not { } epoch || _credits.ContainsKey(id))
            return; // the reward replay names a malformed or second credit
        var key = (contributor.ToLowerInvariant(), epoch);
        var before = _earned.GetValueOrDefault(key);
        _earned[key] = before + amount;
        _credits[id] = new Credit(contributor, amount, epoch, Text(e.Data, "policyVersion") ?? "", before);
    }

    private void Check(LogEvent e)
    {
        var id = Text(e.Data, "contributionId");
        if (id is null || !string.Equals(e.Stream, CreditStreams + id, StringComparison.OrdinalIgnoreCase))
        {
            Find(e.Index, "settlement stream", $"{e.Describe()}: an AppealSettled belongs in ledger/credits/ of the contribution its contributionId names");
            return;
        }
        if (_settledAt.TryGetValue(id, out var earlier))
        {
            Find(e.Index, "settled twice", $"the appeal on contribution {id} is settled again (first at log index {earlier})");
            return;
        }
        _settledAt[id] = e.Index;
        foreach (var line in Array(e.Data, "lines") ?? [])
            if (Signed(Text(line, "amount")) is { } moved)
            {
                if (moved > 0)
                    _credited += moved;
                else
                    _debited -= moved;
            }

        if (!_decided.TryGetValue(id, out var decision))
        {
            Find(e.Index, "settlement without decision", $"contribution {id} is settled, but no AppealDecided of it precedes the settlement");
            return;
        }
        if (!_credits.TryGetValue(id, out var credit) || !_scores.TryGetValue(id, out var score) || Text(score, "kind") is not { } kind)
        {
            Find(e.Index, "settlement without credit", $"contribution {id} is settled, but it was not scored and credited before");
            return;
        }
        if (_policies.Named(credit.PolicyVersion) is not { } policy)
        {
            Find(e.Index, "settlement policy", $"contribution {id} was credited under {credit.PolicyVersion}, which no RewardPolicyPublished records");
            return;
        }

        var decided = decision.Data;
        var finalScore = Int(decided, "finalScore") ?? 0;
        var evidence = Member(score, "fallback") is { ValueKind: JsonValueKind.String }
            ? _seenContent.Contains(id) ? RewardEvidence.Automated : RewardEvidence.Unseen
            : RewardEvidence.Consensus;
        // Invalidated before the settlement, reversed or not (a credit of 0 has no RewardAdjusted): the contributor gets nothing more.
        var invalidated = _invalidated.GetValueOrDefault(id);
        var reversed = _reversed.Contains(id) || invalidated is not null;
        var newCredit = reversed ? credit.Amount : policy.RewardFor(kind, finalScore, credit.EarnedBefore, evidence);
        var pool = policy.ValidatorPoolFor(kind);
        var firstRound = Array(decided, "firstRound") ?? Array(score, "reviews") ?? [];
        var (total, validators) = ValidatorPayReplay.Split(pool, [.. firstRound, .. Array(decided, "reviews") ?? []]);

        var deltas = new SortedDictionary<string, BigInteger>(StringComparer.Ordinal);
        var contributor = Address.TryParse(credit.Contributor, out var checksummed) ? checksummed : credit.Contributor;
        deltas[contributor] = newCredit - credit.Amount;
        foreach (var line in validators)
            deltas[line.Validator] = deltas.GetValueOrDefault(line.Validator) + line.Amount;
        foreach (var line in _paid.GetValueOrDefault(id) ?? [])
            if (Address.TryParse(Text(line, "validator"), out var validator) && TryAmount(Text(line, "amount"), out var amount))
                deltas[validator] = deltas.GetValueOrDefault(validator) - amount;
        // The slash: only a panel's own measure (decided, with firstRound) of a round nobody chose in their own favour.
        var slash = pool * policy.SlashBasisPoints / RewardPolicy.WholeShare;
        var slashed = new SortedSet<string>(StringComparer.Ordinal);
        if (_roles.GetValueOrDefault(Text(decided, "appealId") ?? "") is "audit" or "reviewer" && Text(decided, "outcome") != "no-quorum"
            && Array(decided, "firstRound") is { } remeasured && !slash.IsZero)
            foreach (var review in remeasured)
                if (Member(review, "clipped") is { ValueKind: JsonValueKind.True } && Address.TryParse(Text(review, "validator"), out var reviewer))
                    slashed.Add(reviewer);
        foreach (var reviewer in slashed)
            deltas[reviewer] = deltas.GetValueOrDefault(reviewer) - slash;

        Compare(e, id, "appealId", Text(e.Data, "appealId"), Text(decided, "appealId") ?? "");
        Compare(e, id, "contributor", Text(e.Data, "contributor"), contributor);
        Compare(e, id, "finalScore", Int(e.Data, "finalScore")?.ToString(CultureInfo.InvariantCulture), N(finalScore));
        Compare(e, id, "policyVersion", Text(e.Data, "policyVersion"), credit.PolicyVersion);
        Compare(e, id, "credit", Text(e.Data, "credit"), N(newCredit));
        if (invalidated is not null && Text(e.Data, "contributorDelta") != "0")
            Find(e.Index, "settlement pays invalidated",
                $"contribution {id} was invalidated by proposal {invalidated.ProposalId} (log index {invalidated.Index}) before its appeal was settled, but the settlement's contributorDelta is {Text(e.Data, "contributorDelta") ?? "(none)"}, not 0");
        else
            Compare(e, id, "contributorDelta", Text(e.Data, "contributorDelta"), N(newCredit - credit.Amount));
        Compare(e, id, "pool", Text(e.Data, "pool"), N(pool));
        Compare(e, id, "totalWeight", Long(e.Data, "totalWeight")?.ToString(CultureInfo.InvariantCulture), N(total));
        Compare(e, id, "validators", string.Join("; ", (Array(e.Data, "validators") ?? []).Select(l => $"{Text(l, "validator")} {Long(l, "weight")} {Text(l, "amount")}")),
            string.Join("; ", validators.Select(l => $"{l.Validator} {l.Weight} {N(l.Amount)}")));
        Compare(e, id, "slashes", string.Join("; ", (Array(e.Data, "slashes") ?? []).Select(l => $"{Text(l, "validator")} {Text(l, "amount")}")),
            string.Join("; ", slashed.Select(v => $"{v} {N(slash)}")));
        Compare(e, id, "lines", string.Join("; ", (Array(e.Data, "lines") ?? []).Select(l => $"{Text(l, "account")} {Text(l, "amount")}")),
            string.Join("; ", deltas.Where(d => !d.Value.IsZero).Select(d => $"{d.Key} {N(d.Value)}")));
        if (Long(e.Data, "epoch") is not { } epoch || epoch <= _lastClosed)
            Find(e.Index, "settlement epoch",
                $"contribution {id} is settled in epoch {Long(e.Data, "epoch")?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, but epoch {_lastClosed} had already closed");
    }

    /// <summary>A signed decimal amount ("-500", "250"), or null when it is not one.</summary>
    internal static BigInteger? Signed(string? text) =>
        text is ['-', .. var digits] ? TryAmount(digits, out var debit) ? -debit : null
        : TryAmount(text, out var credit) ? credit : null;

    private void Compare(LogEvent e, string id, string field, string? recorded, string recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            Find(e.Index, "settlement " + field, $"contribution {id} records a settlement {field} of {recorded ?? "(none)"}, the history recomputes {recomputed}");
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private static string N(BigInteger n) => n.ToString(CultureInfo.InvariantCulture);

    private sealed record Credit(string Contributor, BigInteger Amount, long Epoch, string PolicyVersion, BigInteger EarnedBefore);
}

/// <summary>What recomputing the appeals' settlements found.</summary>
/// <param name="Decided">Decided appeals (AppealDecided in quality-scoring's streams).</param>
/// <param name="Settled">AppealSettled events recorded (one per contribution counted).</param>
/// <param name="Credited">What their positive lines credit in all.</param>
/// <param name="Debited">What their negative lines debit in all.</param>
internal sealed record AppealSettlementReplayResult(int Decided, int Settled, BigInteger Credited, BigInteger Debited, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        string N(System.Numerics.BigInteger n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("appeal settlements", ["decided", "settled", "credited", "debited", "findings"],
            [[I(Decided), I(Settled), N(Credited), N(Debited), I(Findings.Count)]]);
        console.Findings("settlement findings", Findings);
    }
}
