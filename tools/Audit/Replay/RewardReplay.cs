using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Recomputes rewards from the history alone: credits per address and per epoch from ContributionRewarded (and the lines
/// of RevenueSplit and ValidatorsRewarded, and the measured credits ModelGainRewarded and DataValueRewarded, which GainRewardReplay and
/// DataValueReplay check), debits from RewardAdjusted, ModelGainReversed and DataValueReversed (the same replays check the last two) (AdjustmentReplay checks each against its
/// activation), signed lines from AppealSettled (AppealSettlementReplay checks each), and each EpochClosed's totals and claim root (OpenZeppelin tree of cumulative amounts under the published
/// rule, CumulativeClaims: never decreasing) from those entries. Event types it
/// does not know are counted and otherwise ignored, so a history written by a newer ledger still replays.
/// Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class RewardReplay
{
    private readonly List<Credit> _credits = [];
    private readonly Dictionary<string, long> _creditedAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _scoredContributor = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(LogEvent Event, JsonElement Data)> _closings = [];
    private readonly SortedDictionary<string, int> _unknownTypes = new(StringComparer.Ordinal);
    private readonly List<ReplayDifference> _differences = [];

    public long Events { get; private set; }

    public IReadOnlyDictionary<string, int> UnknownTypes => _unknownTypes;

    public void Add(LogEvent e)
    {
        Events++;
        switch (Normalize(e.Type))
        {
            case "contributionrewarded":
                AddCredit(e);
                break;
            case "contributionscored":
                if (Text(e.Data, "contributionId") is { } scoredId && Text(e.Data, "contributor") is { } scorer)
                    _scoredContributor.TryAdd(scoredId, scorer);
                break;
            case "epochclosed":
                _closings.Add((e, e.Data));
                break;
            case "revenuesplit":
                AddRevenueLines(e);
                break;
            case "validatorsrewarded":
                AddValidatorLines(e);
                break;
            case "rewardadjusted":
                AddDebit(e);
                break;
            case "appealsettled":
                AddSettlementLines(e);
                break;
            case "modelgainrewarded":
                AddMeasuredCredit(e, CreditKind.Gain, "gain");
                break;
            case "modelgainreversed":
                AddMeasuredDebit(e, CreditKind.Gain, "gain");
                break;
            case "datavaluerewarded":
                AddMeasuredCredit(e, CreditKind.DataValue, "data value");
                break;
            case "datavaluereversed":
                AddMeasuredDebit(e, CreditKind.DataValue, "data value");
                break;
            default:
                _unknownTypes[e.Type] = _unknownTypes.GetValueOrDefault(e.Type) + 1;
                break;
        }
    }

    /// <param name="policyAmounts">
    /// The amount the reward policy gives each contribution credit recorded with another one, by log index
    /// (<see cref="Policies.PolicyReplay.PolicyAmounts"/>): every epoch's totals and root are recomputed with it, so a credit
    /// wrong when it was written is named in every root it fed, though the ledger built those roots from it.
    /// </param>
    public ReplayResult Finish(IReadOnlyDictionary<long, BigInteger>? policyAmounts = null)
    {
        foreach (var credit in _credits.Where(c => c.IsReward))
        {
            if (_scoredContributor.Count > 0 && !_scoredContributor.TryGetValue(credit.ContributionId, out var scorer))
                _differences.Add(new ReplayDifference(credit.Index, "credit without score",
                    $"contribution {credit.ContributionId} is credited but never scored in the history"));
            else if (_scoredContributor.TryGetValue(credit.ContributionId, out scorer) && !SameAddress(scorer, credit.Address))
                _differences.Add(new ReplayDifference(credit.Index, "credited address",
                    $"contribution {credit.ContributionId} was scored for {scorer} but credited to {credit.Address}"));
        }

        var epochs = new List<EpochReplay>();
        foreach (var (closing, data) in _closings)
            epochs.Add(CheckEpoch(closing, data, policyAmounts ?? new Dictionary<long, BigInteger>()));

        var balances = _credits
            .GroupBy(c => Key(c.Address))
            .Select(g => new AddressTotal(Display(g.First().Address), g.Aggregate(BigInteger.Zero, (s, c) => s + c.Amount), g.Count(c => !c.Debit)))
            .OrderBy(a => a.Address, StringComparer.Ordinal)
            .ToList();
        var perEpoch = _credits
            .Where(c => !c.Debit)
            .GroupBy(c => c.Epoch)
            .OrderBy(g => g.Key)
            .Select(g => new EpochTotal(g.Key, g.Aggregate(BigInteger.Zero, (s, c) => s + c.Amount), g.Count()))
            .ToList();
        return new ReplayResult(Events, _credits.Count, balances, perEpoch, epochs, _differences, _unknownTypes);
    }

    private void AddCredit(LogEvent e)
    {
        var id = Text(e.Data, "contributionId");
        var address = Text(e.Data, "contributor");
        var amountText = Text(e.Data, "amount");
        if (id is null || address is null || !Address.IsValid(address) || !TryAmount(amountText, out var amount)
            || Long(e.Data, "epoch") is not { } epoch)
        {
            _differences.Add(new ReplayDifference(e.Index, "malformed credit",
                $"{e.Describe()}: needs contributionId, a valid contributor address, a non-negative decimal amount and an integer epoch"));
            return;
        }
        if (_creditedAt.TryGetValue(id, out var earlier))
        {
            _differences.Add(new ReplayDifference(e.Index, "credited twice",
                $"contribution {id} is credited again (first at log index {earlier})"));
            return;
        }
        _creditedAt[id] = e.Index;
        _credits.Add(new Credit(e.Index, id, address, amount, epoch));
    }

    /// <summary>
    /// A reversal is a debit of the account it names, taken, as the ledger takes it, only from its credit streams and once per
    /// contribution; whether it is due and exact is AdjustmentReplay's to say.
    /// </summary>
    private void AddDebit(LogEvent e)
    {
        if (!e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal) || Text(e.Data, "contributionId") is not { } id)
            return;
        if (Text(e.Data, "account") is not { } account || !Address.IsValid(account) || Text(e.Data, "amount") is not ['-', .. var digits]
            || !TryAmount(digits, out var amount) || Long(e.Data, "epoch") is not { } epoch)
        {
            _differences.Add(new ReplayDifference(e.Index, "malformed adjustment",
                $"{e.Describe()}: needs a valid account address, a negative decimal amount and an integer epoch"));
            return;
        }
        if (_creditedAt.TryAdd("reversal:" + id, e.Index))
            _credits.Add(new Credit(e.Index, id, account, -amount, epoch, Debit: true));
    }

    /// <summary>
    /// An appeal settlement's lines are signed entries of their accounts (AppealSettlementReplay checks the settlement itself),
    /// taken, as the ledger takes them, only from its credit streams and once per contribution: a positive line is credited
    /// in its epoch, a negative one is a debit under the never-decreasing rule.
    /// </summary>
    private void AddSettlementLines(LogEvent e)
    {
        if (!e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal) || Text(e.Data, "contributionId") is not { } id)
            return;
        if (Long(e.Data, "epoch") is not { } epoch || Array(e.Data, "lines") is not { } lines)
        {
            _differences.Add(new ReplayDifference(e.Index, "malformed settlement", $"{e.Describe()}: needs an integer epoch and lines"));
            return;
        }
        if (!_creditedAt.TryAdd("appeal:" + id, e.Index))
            return;
        foreach (var line in lines)
        {
            if (Text(line, "account") is not { } account || !Address.IsValid(account) || AppealSettlementReplay.Signed(Text(line, "amount")) is not { } amount)
                _differences.Add(new ReplayDifference(e.Index, "malformed settlement line", $"{e.Describe()}: a line needs a valid account address and a signed decimal amount"));
            else
                _credits.Add(new Credit(e.Index, id, account, amount, epoch, FromAppeal: true, Debit: amount < 0));
        }
    }

    /// <summary>
    /// A measured credit (a contributed model's gain, a contribution's data value) is a credit like a reward (GainRewardReplay
    /// and DataValueReplay check it against what it pays for and its policy), taken, as the ledger takes it, only from its
    /// kind's streams and once per contribution. <paramref name="name"/> names the kind in findings and keys.
    /// </summary>
    private void AddMeasuredCredit(LogEvent e, CreditKind kind, string name)
    {
        if (!e.Stream.StartsWith(kind.Streams, StringComparison.Ordinal) || Text(e.Data, "contributionId") is not { } id)
            return;
        if (Text(e.Data, "contributor") is not { } address || !Address.IsValid(address) || !TryAmount(Text(e.Data, "amount"), out var amount)
            || Long(e.Data, "epoch") is not { } epoch)
        {
            _differences.Add(new ReplayDifference(e.Index, $"malformed {name} credit",
                $"{e.Describe()}: needs a valid contributor address, a non-negative decimal amount and an integer epoch"));
            return;
        }
        if (_creditedAt.TryAdd($"{name}:{id}", e.Index))
            _credits.Add(new Credit(e.Index, id, address, amount, epoch, Measured: true));
    }

    /// <summary>
    /// A measured credit's reversal is a debit like a reward's (its kind's replay checks it against its credit and
    /// activation), taken, as the ledger takes it, only from its kind's streams and once per contribution.
    /// </summary>
    private void AddMeasuredDebit(LogEvent e, CreditKind kind, string name)
    {
        if (!e.Stream.StartsWith(kind.Streams, StringComparison.Ordinal) || Text(e.Data, "contributionId") is not { } id)
            return;
        if (Text(e.Data, "account") is not { } account || !Address.IsValid(account) || Text(e.Data, "amount") is not ['-', .. var digits]
            || !TryAmount(digits, out var amount) || Long(e.Data, "epoch") is not { } epoch)
        {
            _differences.Add(new ReplayDifference(e.Index, $"malformed {name} reversal",
                $"{e.Describe()}: needs a valid account address, a negative decimal amount and an integer epoch"));
            return;
        }
        if (_creditedAt.TryAdd($"reversal:{name}:{id}", e.Index))
            _credits.Add(new Credit(e.Index, id, account, -amount, epoch, Debit: true, Measured: true));
    }

    /// <summary>
    /// A revenue split's lines are credits like rewards (RevenueReplay checks the split itself), taken, as the ledger
    /// takes them, only from its revenue streams.
    /// </summary>
    private void AddRevenueLines(LogEvent e)
    {
        if (!e.Stream.StartsWith("ledger/revenue/", StringComparison.Ordinal) || Text(e.Data, "paymentId") is not { } paymentId)
            return;
        if (Long(e.Data, "epoch") is not { } epoch || Array(e.Data, "lines") is not { } lines)
        {
            _differences.Add(new ReplayDifference(e.Index, "malformed revenue split", $"{e.Describe()}: needs an integer epoch and lines"));
            return;
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var id = $"revenue:{paymentId}:{i}";
            if (Text(lines[i], "address") is not { } address || !Address.IsValid(address) || !TryAmount(Text(lines[i], "amount"), out var amount))
                _differences.Add(new ReplayDifference(e.Index, "malformed revenue line", $"{e.Describe()}: line {i} needs a valid address and a decimal amount"));
            else if (_creditedAt.TryAdd(id, e.Index))
                _credits.Add(new Credit(e.Index, id, address, amount, epoch, FromRevenue: true));
        }
    }

    /// <summary>
    /// A validator pay's lines are credits like rewards (ValidatorPayReplay checks the pay itself), taken, as the ledger
    /// takes them, only from its credit streams.
    /// </summary>
    private void AddValidatorLines(LogEvent e)
    {
        if (!e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal) || Text(e.Data, "contributionId") is not { } contributionId)
            return;
        if (Long(e.Data, "epoch") is not { } epoch || Array(e.Data, "lines") is not { } lines)
        {
            _differences.Add(new ReplayDifference(e.Index, "malformed validator pay", $"{e.Describe()}: needs an integer epoch and lines"));
            return;
        }
        foreach (var line in lines)
        {
            if (Text(line, "validator") is not { } validator || !Address.IsValid(validator) || !TryAmount(Text(line, "amount"), out var amount))
                _differences.Add(new ReplayDifference(e.Index, "malformed validator line", $"{e.Describe()}: a line needs a valid validator address and a decimal amount"));
            else if (_creditedAt.TryAdd($"validators:{contributionId}:{validator}", e.Index))
                _credits.Add(new Credit(e.Index, contributionId, validator, amount, epoch, ToValidator: true));
        }
    }

    private EpochReplay CheckEpoch(LogEvent closing, JsonElement data, IReadOnlyDictionary<long, BigInteger> policyAmounts)
    {
        if (Long(data, "epoch") is not { } epoch)
        {
            _differences.Add(new ReplayDifference(closing.Index, "malformed epoch", $"{closing.Describe()}: no integer epoch"));
            return new EpochReplay(-1, closing.Index, null, null, false);
        }

        var included = _credits.Where(c => c.Epoch <= epoch).ToList();
        foreach (var late in included.Where(c => c.Index > closing.Index))
            _differences.Add(new ReplayDifference(late.Index, late.Debit ? "late adjustment" : "late credit",
                $"contribution {late.ContributionId} is {(late.Debit ? "debited" : "credited")} to epoch {late.Epoch} after epoch {epoch} closed at log index {closing.Index}"));

        // Only what was in the history when the epoch closed can have gone into its published root.
        var known = included.Where(c => c.Index < closing.Index).ToList();
        // Each contribution credit at the policy's amount: the root the ledger should have built.
        var repriced = known.Where(c => c.IsReward && policyAmounts.ContainsKey(c.Index)).ToList();
        known = [.. known.Select(c => c.IsReward && policyAmounts.TryGetValue(c.Index, out var fair) ? c with { Amount = fair } : c)];
        // The published format's rules: CumulativeClaims (never decreasing, debits absorbed by later credits), then
        // ClaimTree.LeavesOf (an address whose cumulative amount is zero is no leaf).
        var cumulative = ClaimTree.LeavesOf(CumulativeClaims.At(known.Select(c => (c.Address, c.Epoch, c.Amount)), epoch));
        var inEpoch = known.Where(c => c.Epoch == epoch && !c.Debit).Aggregate(BigInteger.Zero, (s, c) => s + c.Amount);
        var total = cumulative.Aggregate(BigInteger.Zero, (s, c) => s + c.Amount);
        string? root = ClaimTree.OfCumulativeAmounts(cumulative)?.Root;

        Compare(closing, epoch, "creditedInEpoch", Text(data, "creditedInEpoch"), inEpoch.ToString(CultureInfo.InvariantCulture));
        Compare(closing, epoch, "cumulativeTotal", Text(data, "cumulativeTotal"), total.ToString(CultureInfo.InvariantCulture));
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("accounts", out var accounts))
            Compare(closing, epoch, "accounts", accounts.ToString(), cumulative.Count.ToString(CultureInfo.InvariantCulture));
        var published = Text(data, "claimRoot");
        bool rootMatches = published is not null && root is not null && string.Equals(published, root, StringComparison.OrdinalIgnoreCase);
        if (root is null && published is not null && published.TrimStart('0', 'x').Length > 0)
            _differences.Add(new ReplayDifference(closing.Index, "claimRoot", $"epoch {epoch} publishes root {published} but no address has earned anything"));
        else if (root is not null && !rootMatches)
            _differences.Add(new ReplayDifference(closing.Index, "claimRoot",
                $"epoch {epoch} publishes claim root {published ?? "(none)"}, the credits recompute to {root}"
                + string.Concat(repriced.Select(c => $"; contribution {c.ContributionId} is recorded as {c.Amount}, the policy gives {policyAmounts[c.Index]}"))));
        return new EpochReplay(epoch, closing.Index, published, root, root is null ? published is null || published.TrimStart('0', 'x').Length == 0 : rootMatches);
    }

    private void Compare(LogEvent closing, long epoch, string field, string? published, string recomputed)
    {
        if (published is null)
            return; // An older or newer EpochClosed without the field: nothing to compare.
        if (published != recomputed)
            _differences.Add(new ReplayDifference(closing.Index, field, $"epoch {epoch} publishes {field} {published}, the credits recompute to {recomputed}"));
    }

    private static string Key(string address) => address.ToLowerInvariant();

    private static bool SameAddress(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Display(string address) => Address.TryParse(address, out var checksummed) ? checksummed : address;

    /// <param name="Debit">A reversal (RewardAdjusted, ModelGainReversed, DataValueReversed) or a negative settlement line: <paramref name="Amount"/> is negative.</param>
    /// <param name="FromAppeal">A line of an AppealSettled, of the contributor or of a validator.</param>
    /// <param name="Measured">A ModelGainRewarded or DataValueRewarded (or its reversal): paid for a measured gain, not priced by score.</param>
    private sealed record Credit(long Index, string ContributionId, string Address, BigInteger Amount, long Epoch, bool FromRevenue = false, bool ToValidator = false,
        bool Debit = false, bool FromAppeal = false, bool Measured = false)
    {
        /// <summary>A contribution's reward (ContributionRewarded), the one kind of credit the reward policy prices.</summary>
        public bool IsReward => !FromRevenue && !ToValidator && !Debit && !FromAppeal && !Measured;
    }
}

/// <summary>One thing the history says that the replay does not reproduce.</summary>
internal sealed record ReplayDifference(long Index, string What, string Detail);

internal sealed record AddressTotal(string Address, BigInteger Amount, int Credits);

internal sealed record EpochTotal(long Epoch, BigInteger Amount, int Credits);

internal sealed record EpochReplay(long Epoch, long Index, string? PublishedRoot, string? RecomputedRoot, bool Matches);

internal sealed record ReplayResult(
    long Events, int Credits, IReadOnlyList<AddressTotal> Balances, IReadOnlyList<EpochTotal> PerEpoch,
    IReadOnlyList<EpochReplay> Epochs, IReadOnlyList<ReplayDifference> Differences, IReadOnlyDictionary<string, int> UnknownTypes)
{
    /// <summary>
    /// Every other replay's section (<see cref="IReplay"/>), by its name, in the order the replays ran: in <c>--json</c> each
    /// is a member of the report beside the rewards' own, as the sections always were.
    /// </summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, object> Sections { get; init; } = [];

    /// <summary>The section of the replay that finishes into <typeparamref name="T"/>, or null when none ran.</summary>
    public T? Section<T>() where T : class, IReplaySection => Sections.Values.OfType<T>().FirstOrDefault();

    /// <summary>True when no replay found anything: the command's exit code 0.</summary>
    public bool Agrees => Differences.Count == 0 && Sections.Values.OfType<IReplaySection>().All(s => s.Findings.Count == 0);
}
