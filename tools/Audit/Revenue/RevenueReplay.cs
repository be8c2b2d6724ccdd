using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Revenue;

/// <summary>
/// Recomputes every revenue split from the history alone: for each RevenueSplit in the ledger's stream
/// <c>ledger/revenue/{paymentId}</c>, the DatasetPaid it splits (chain-bridge's <c>chain/revenue/{paymentId}</c>), the
/// snapshot paid for (contributions' <c>contributions/datasets/{root}</c>), and the score each member had when the
/// snapshot was recorded (the newest ContributionScored in <c>scoring/{contributionId}</c> before it). Each contributor's
/// share is floor(amount × weight / total weight), weight being the sum of their members' scores; the rest goes to the
/// payment's treasury, and everything does when the snapshot is unknown or unscored. Validators' share: under the reward
/// policy in force in the split's epoch (ledger/policies), when the members' scores have unclipped reviews and no
/// fallback, pool = floor(amount × datasetValidatorShareBasisPoints / 10000) is split floor(pool × w / W) over the
/// reviewers, w being the sum of floor(reputation × agreement × 10^6) of their reviews, and the contributors share
/// amount − pool. The split's outcome, total weight, policy, pool and every line must be exactly that: a validator line
/// forged or left out is a finding. Written apart from the ledger's code, on purpose. Pure: fed in log order.
/// </summary>
internal sealed class RevenueReplay : IReplay
{
    public string Name => "revenue";

    IReplaySection IReplay.Finish() => Finish();

    private const string PaymentStreams = "chain/revenue/";
    private const string SplitStreams = "ledger/revenue/";
    private const string SnapshotStreams = "contributions/datasets/";
    private const string ScoreStreams = "scoring/";

    private const long Millionths = 1_000_000;

    private readonly RewardPolicySchedule _policies = new();
    private readonly Dictionary<string, (string? Contributor, int Score, JsonElement Scored)> _latestScore = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Dictionary<string, long> Contributors, Dictionary<string, long> Validators)> _snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Index, string Root, BigInteger Amount, string Treasury)> _payments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _splitAt = new(StringComparer.Ordinal);
    private readonly List<ReplayDifference> _findings = [];
    private BigInteger _paid;
    private BigInteger _toContributors;
    private BigInteger _toValidators;
    private BigInteger _toTreasury;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "rewardpolicypublished":
                _policies.Observe(e);
                break;
            case "contributionscored" when e.Stream.StartsWith(ScoreStreams, StringComparison.Ordinal):
                _latestScore[e.Stream] = (Text(e.Data, "contributor"), Int(e.Data, "score") ?? 0, e.Data.Clone());
                break;
            case "datasetsnapshotted" when e.Stream.StartsWith(SnapshotStreams, StringComparison.Ordinal):
                var root = e.Stream[SnapshotStreams.Length..];
                if (!_snapshots.ContainsKey(root))
                    _snapshots[root] = Weigh(Array(e.Data, "members") ?? []);
                break;
            case "datasetpaid":
                AddPayment(e);
                break;
            case "revenuesplit":
                CheckSplit(e);
                break;
        }
    }

    public RevenueReplayResult Finish() => new(_payments.Count, _splitAt.Count, _payments.Keys.Count(p => !_splitAt.ContainsKey(p)),
        _paid, _toContributors, _toTreasury, _findings, _toValidators);

    // The scores as they stand now, which is when the snapshot was recorded: later scores do not change what was sold.
    private (Dictionary<string, long>, Dictionary<string, long>) Weigh(IReadOnlyList<JsonElement> members)
    {
        var weights = new Dictionary<string, long>(StringComparer.Ordinal);
        var validators = new Dictionary<string, long>(StringComparer.Ordinal);
        var streams = members.Select(m => Text(m, "contributionId")).OfType<string>()
            .Select(id => ScoreStreams + id.ToLowerInvariant()).Distinct(StringComparer.Ordinal);
        foreach (var stream in streams)
        {
            if (!_latestScore.TryGetValue(stream, out var scored))
                continue;
            if (scored.Score > 0 && Address.TryParse(scored.Contributor, out var contributor))
                weights[contributor] = weights.GetValueOrDefault(contributor) + scored.Score;
            if (Member(scored.Scored, "fallback") is not null)
                continue; // a fallback score: nobody's review decided it
            foreach (var review in Array(scored.Scored, "reviews") ?? [])
            {
                if (Bool(review, "clipped") is not false || !Address.TryParse(Text(review, "validator"), out var validator)
                    || Decimal(review, "reputation") is not { } reputation)
                    continue;
                var weight = (long)Math.Floor(reputation * (Decimal(review, "agreement") ?? 1m) * Millionths);
                if (weight > 0)
                    validators[validator] = validators.GetValueOrDefault(validator) + weight;
            }
        }
        return (weights, validators);
    }

    private void AddPayment(LogEvent e)
    {
        var id = Text(e.Data, "paymentId");
        if (id is null || e.Stream != PaymentStreams + id)
            return; // not a payment the ledger may split; a split of it is reported below
        if (!TryAmount(Text(e.Data, "amount"), out var amount) || Text(e.Data, "snapshotRoot") is not { } root
            || !Address.TryParse(Text(e.Data, "treasury"), out var treasury))
        {
            _findings.Add(new ReplayDifference(e.Index, "malformed payment", $"{e.Describe()}: needs a decimal amount, a snapshot root and a treasury address"));
            return;
        }
        _payments.TryAdd(id, (e.Index, root.ToLowerInvariant(), amount, treasury));
        _paid += amount;
    }

    private void CheckSplit(LogEvent e)
    {
        var id = Text(e.Data, "paymentId");
        if (id is null || e.Stream != SplitStreams + id)
        {
            if (e.Stream.StartsWith(SplitStreams, StringComparison.Ordinal))
                _findings.Add(new ReplayDifference(e.Index, "revenue split", $"{e.Describe()}: its paymentId does not name its stream"));
            return; // outside the ledger's revenue streams a RevenueSplit credits nothing (the ledger does not read it)
        }
        if (_splitAt.TryGetValue(id, out var earlier))
        {
            _findings.Add(new ReplayDifference(e.Index, "split twice", $"payment {id} is split again (first at log index {earlier})"));
            return;
        }
        _splitAt[id] = e.Index;
        if (!_payments.TryGetValue(id, out var payment))
        {
            _findings.Add(new ReplayDifference(e.Index, "split without payment", $"payment {id} is split, but the history records no such payment before it"));
            return;
        }

        var amount = payment.Amount;
        var policy = Long(e.Data, "epoch") is { } epoch ? _policies.InForce(epoch) : null;
        var share = policy?.DatasetValidatorShareBasisPoints ?? 0;
        var (outcome, total, pool, validatorWeight, expected) = Divide(amount, payment.Root, payment.Treasury, share);
        var recorded = (Array(e.Data, "lines") ?? [])
            .Select(l => $"{Text(l, "address")} {Text(l, "role")} {Long(l, "weight")} {Text(l, "amount")}").ToList();
        var recomputed = expected.Select(l => $"{l.Address} {l.Role} {l.Weight} {l.Amount.ToString(CultureInfo.InvariantCulture)}").ToList();

        Compare(e, id, "amount", Text(e.Data, "amount"), amount.ToString(CultureInfo.InvariantCulture));
        Compare(e, id, "snapshotRoot", Text(e.Data, "snapshotRoot")?.ToLowerInvariant(), payment.Root);
        Compare(e, id, "treasury", Text(e.Data, "treasury"), payment.Treasury);
        Compare(e, id, "outcome", Text(e.Data, "outcome"), outcome);
        Compare(e, id, "totalWeight", Long(e.Data, "totalWeight")?.ToString(CultureInfo.InvariantCulture), total.ToString(CultureInfo.InvariantCulture));
        // Splits recorded before the validators' share existed name no policy and no pool: they paid validators nothing.
        if (Text(e.Data, "policyVersion") is { } named && policy is not null)
            Compare(e, id, "policyVersion", named, policy.Name);
        Compare(e, id, "validatorPool", Text(e.Data, "validatorPool") ?? "0", pool.ToString(CultureInfo.InvariantCulture));
        Compare(e, id, "validatorWeight", (Long(e.Data, "validatorWeight") ?? 0).ToString(CultureInfo.InvariantCulture),
            validatorWeight.ToString(CultureInfo.InvariantCulture));
        if (!recorded.SequenceEqual(recomputed, StringComparer.Ordinal))
            _findings.Add(new ReplayDifference(e.Index, "revenue lines",
                $"payment {id} records lines [{string.Join("; ", recorded)}], the history recomputes [{string.Join("; ", recomputed)}]"));
        foreach (var line in expected)
        {
            if (line.Role == "treasury")
                _toTreasury += line.Amount;
            else if (line.Role == "validator")
                _toValidators += line.Amount;
            else
                _toContributors += line.Amount;
        }
    }

    private (string Outcome, long Total, BigInteger Pool, long ValidatorWeight, List<(string Address, string Role, long Weight, BigInteger Amount)> Lines) Divide(
        BigInteger amount, string root, string treasury, int validatorShare)
    {
        if (!_snapshots.TryGetValue(root, out var snapshot))
            return ("unknown-snapshot", 0, 0, 0, [(treasury, "treasury", 0, amount)]);
        var total = snapshot.Contributors.Values.Sum();
        if (total == 0)
            return ("no-scores", 0, 0, 0, [(treasury, "treasury", 0, amount)]);
        var reviewed = snapshot.Validators.Values.Sum();
        var pool = reviewed == 0 ? BigInteger.Zero : amount * validatorShare / 10_000;
        var lines = new List<(string, string, long, BigInteger)>();
        var left = amount;
        void Share(BigInteger sum, Dictionary<string, long> weights, long of, string role)
        {
            foreach (var (address, weight) in weights.OrderBy(w => w.Key, StringComparer.Ordinal))
            {
                var part = BigInteger.Divide(BigInteger.Multiply(sum, weight), of);
                left -= part;
                if (part > 0)
                    lines.Add((address, role, weight, part));
            }
        }
        Share(amount - pool, snapshot.Contributors, total, "contributor");
        if (pool > 0)
            Share(pool, snapshot.Validators, reviewed, "validator");
        if (left > 0)
            lines.Add((treasury, "treasury", 0, left));
        return ("split", total, pool, pool > 0 ? reviewed : 0, lines);
    }

    private void Compare(LogEvent e, string paymentId, string field, string? recorded, string recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            _findings.Add(new ReplayDifference(e.Index, "revenue " + field,
                $"payment {paymentId} records {field} {recorded ?? "(none)"}, the history recomputes {recomputed}"));
    }
}

/// <summary>What recomputing the revenue splits found.</summary>
/// <param name="Payments">DatasetPaid events in the chain-bridge's revenue streams.</param>
/// <param name="Splits">RevenueSplit events in the ledger's revenue streams.</param>
/// <param name="Pending">Payments not split yet (the ledger splits within moments; at the end of an export they may be new).</param>
/// <param name="ToValidators">What the splits gave the validators who reviewed the snapshots (added with the validators' share).</param>
internal sealed record RevenueReplayResult(
    int Payments, int Splits, int Pending, BigInteger Paid, BigInteger ToContributors, BigInteger ToTreasury, IReadOnlyList<ReplayDifference> Findings,
    BigInteger ToValidators) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        string N(System.Numerics.BigInteger n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("revenue splits", ["payments", "split", "pending", "paid", "to contributors", "to validators", "to treasury", "findings"],
            [[I(Payments), I(Splits), I(Pending), N(Paid), N(ToContributors), N(ToValidators), N(ToTreasury), I(Findings.Count)]]);
        console.Findings("revenue findings", Findings);
    }
}
