using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Recomputes every validator pay from the history alone, written apart from the ledger's code on purpose. For each
/// contribution credited in <c>ledger/credits/{id}</c>: the reward policy in force in the credit's epoch (the newest
/// RewardPolicyPublished of <c>ledger/policies</c> whose effectiveFromEpoch is at or below it), the contribution's score in
/// <c>scoring/{id}</c> (its first), and from them the pay: pool = floor(base(kind) · validatorShareBasisPoints / 10000) when
/// the score has reviews and no fallback; weights floor(reputation · 10^6) for unclipped reviews (each 1 when they all
/// floor to 0), 0 for clipped; shares floor(pool · w / W), the rest one unit each by largest remainder (pool · w mod W),
/// ties to the lower EIP-55 address; zero lines left out. The ValidatorsRewarded recorded beside the credit must be
/// exactly that, in the credit's epoch, and there must be one exactly when the pay is not empty. Pure: fed in log order.
/// </summary>
internal sealed class ValidatorPayReplay : IReplay
{
    public string Name => "validators";

    IReplaySection IReplay.Finish() => Finish();

    private const string CreditStreams = "ledger/credits/";
    private const string ScoreStreams = "scoring/";
    private const long Millionths = 1_000_000;

    private readonly RewardPolicySchedule _policies = new();
    private readonly Dictionary<string, JsonElement> _scores = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (long Index, long Epoch)> _credits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _paidAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private BigInteger _paid;
    private int _lines;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "rewardpolicypublished":
                _policies.Observe(e);
                break;
            case "contributionscored" when e.Stream.StartsWith(ScoreStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } scored)
                    _scores.TryAdd(scored, e.Data.Clone());
                break;
            case "contributionrewarded" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } credited && Long(e.Data, "epoch") is { } epoch)
                    _credits.TryAdd(credited, (e.Index, epoch));
                break;
            case "validatorsrewarded" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                Check(e);
                break;
        }
    }

    public ValidatorPayReplayResult Finish()
    {
        var expected = 0;
        foreach (var (id, credit) in _credits)
        {
            if (Recompute(id, credit.Epoch) is not { Lines.Count: > 0 } pay)
                continue;
            expected++;
            if (!_paidAt.ContainsKey(id))
                _findings.Add(new ReplayDifference(credit.Index, "validators unpaid",
                    $"contribution {id} is credited in epoch {credit.Epoch}, but its validators' pay of {N(pay.Pool)} is not recorded"));
        }
        return new ValidatorPayReplayResult(expected, _paidAt.Count, _lines, _paid, _findings);
    }

    private void Check(LogEvent e)
    {
        var id = Text(e.Data, "contributionId");
        if (id is null || !string.Equals(e.Stream, CreditStreams + id, StringComparison.OrdinalIgnoreCase))
        {
            Find(e, "validator pay", $"{e.Describe()}: its contributionId does not name its stream");
            return;
        }
        if (_paidAt.TryGetValue(id, out var earlier))
        {
            Find(e, "validators paid twice", $"the validators of contribution {id} are paid again (first at log index {earlier})");
            return;
        }
        _paidAt[id] = e.Index;
        var recorded = (Array(e.Data, "lines") ?? []).Select(l => $"{Text(l, "validator")} {Long(l, "weight")} {Text(l, "amount")}").ToList();
        foreach (var line in Array(e.Data, "lines") ?? [])
            if (TryAmount(Text(line, "amount"), out var amount))
            {
                _paid += amount;
                _lines++;
            }
        if (!_credits.TryGetValue(id, out var credit))
        {
            Find(e, "validator pay without credit", $"the validators of contribution {id} are paid, but the contribution is not credited before it");
            return;
        }
        Compare(e, id, "epoch", Long(e.Data, "epoch")?.ToString(CultureInfo.InvariantCulture), credit.Epoch.ToString(CultureInfo.InvariantCulture));
        if (Recompute(id, credit.Epoch) is not { } pay)
        {
            Find(e, "validator pay without reviews", $"the validators of contribution {id} are paid, but its score has no consensus reviews or no policy applies");
            return;
        }
        Compare(e, id, "policyVersion", Text(e.Data, "policyVersion"), $"reward-{pay.Version}");
        Compare(e, id, "pool", Text(e.Data, "pool"), N(pay.Pool));
        Compare(e, id, "totalWeight", Long(e.Data, "totalWeight")?.ToString(CultureInfo.InvariantCulture), pay.TotalWeight.ToString(CultureInfo.InvariantCulture));
        var recomputed = pay.Lines.Select(l => $"{l.Validator} {l.Weight} {N(l.Amount)}").ToList();
        if (!recorded.SequenceEqual(recomputed, StringComparer.Ordinal))
            Find(e, "validator lines", $"contribution {id} records validator lines [{string.Join("; ", recorded)}], the history recomputes [{string.Join("; ", recomputed)}]");
    }

    /// <summary>The pay the history gives contribution <paramref name="id"/> credited in <paramref name="epoch"/>; null when none is due at all.</summary>
    private Pay? Recompute(string id, long epoch)
    {
        if (!_scores.TryGetValue(id, out var score) || Member(score, "fallback") is not null
            || Array(score, "reviews") is not { Count: > 0 } reviews || Text(score, "kind") is not { } kind)
            return null;
        if (_policies.InForce(epoch) is not { } policy)
            return null;
        // The pool written again from its description (ValidatorsRewarded), not the ledger's RewardPolicy.ValidatorPoolFor.
        var pool = policy.BasePerKind.TryGetValue(kind, out var basis) ? basis * policy.ValidatorShareBasisPoints / 10_000 : BigInteger.Zero;
        var (total, lines) = Split(pool, reviews);
        return new Pay(policy.Version, pool, total, lines);
    }

    /// <summary>
    /// The published split of <paramref name="pool"/> over <paramref name="reviews"/> (ScoredReview objects): weights
    /// floor(reputation · agreement · 10^6) for unclipped reviews (agreement 1 where the review records none, as before
    /// 1.15), summed per address (each 1 when they all floor to 0), 0 for clipped; whether each recorded agreement is the
    /// right one is the scores section's check (<c>agreement</c>);
    /// shares floor(pool · w / W), the rest one unit each by largest remainder, ties to the lower address; zero lines left out.
    /// </summary>
    internal static (long TotalWeight, List<(string Validator, long Weight, BigInteger Amount)> Lines) Split(BigInteger pool, IEnumerable<JsonElement> reviews)
    {
        var weights = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var review in reviews)
        {
            if (Bool(review, "clipped") is not false || !Address.TryParse(Text(review, "validator"), out var validator) || Decimal(review, "reputation") is not { } reputation)
                continue;
            var agreement = Decimal(review, "agreement") ?? 1m;
            weights[validator] = weights.GetValueOrDefault(validator) + (long)Math.Floor(reputation * agreement * Millionths);
            counts[validator] = counts.GetValueOrDefault(validator) + 1;
        }
        if (weights.Values.Sum() == 0)
            weights = counts;
        var total = weights.Values.Sum();
        if (total == 0 || pool.IsZero)
            return (total, []);

        var parts = weights.Select(w => (Validator: w.Key, Weight: w.Value, Floor: pool * w.Value / total, Remainder: pool * w.Value % total)).ToList();
        var left = (int)(pool - parts.Aggregate(BigInteger.Zero, (s, p) => s + p.Floor));
        var extra = parts.OrderByDescending(p => p.Remainder).ThenBy(p => p.Validator, StringComparer.Ordinal).Take(left).Select(p => p.Validator).ToList();
        return (total, parts.Select(p => (p.Validator, p.Weight, Amount: p.Floor + (extra.Contains(p.Validator) ? 1 : 0))).Where(l => l.Amount > 0).ToList());
    }

    private void Compare(LogEvent e, string id, string field, string? recorded, string recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            Find(e, "validator pay " + field, $"contribution {id} records validator pay {field} {recorded ?? "(none)"}, the history recomputes {recomputed}");
    }

    private void Find(LogEvent e, string what, string detail) => _findings.Add(new ReplayDifference(e.Index, what, detail));

    private static string N(BigInteger n) => n.ToString(CultureInfo.InvariantCulture);

    private sealed record Pay(long Version, BigInteger Pool, long TotalWeight, List<(string Validator, long Weight, BigInteger Amount)> Lines);
}

/// <summary>What recomputing the validators' pay found.</summary>
/// <param name="Due">Credited contributions whose validators the history says must be paid.</param>
/// <param name="Recorded">ValidatorsRewarded events in the ledger's credit streams.</param>
/// <param name="Lines">Validator lines recorded.</param>
/// <param name="Paid">What those lines credit in all.</param>
internal sealed record ValidatorPayReplayResult(int Due, int Recorded, int Lines, BigInteger Paid, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        string N(System.Numerics.BigInteger n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("validator pay", ["cases due", "recorded", "lines", "paid", "findings"],
            [[I(Due), I(Recorded), I(Lines), N(Paid), I(Findings.Count)]]);
        console.Findings("validator pay findings", Findings);
    }
}
