using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Formats.Policies;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Recomputes every contributed model's gain credit (ModelGainRewarded in <c>ledger/gains/{id}</c>) from the history alone,
/// apart from the ledger's code: the evaluation it pays (the ModelContributionEvaluated of <c>model/contributions/{id}</c>,
/// recorded before it, not refused and making the model champion; ModelReplay checks that the champion rule held), the
/// contributor, period, model hash and gain it repeats, and the amount: max(0, gain) · modelGainRewardPerBasisPoint of the
/// reward policy in force in the credit's epoch (the newest RewardPolicyPublished of <c>ledger/policies</c> whose
/// effectiveFromEpoch is at or below it; absent in the record means 0). At most one per contribution, and one for every
/// evaluation that made its model champion. A gain credit of more than 0 whose contribution a <c>contribution-invalidation</c>
/// activated by governance names (PolicyActivated in <c>governance/</c>, before or after the credit: the order does not
/// matter) must be taken back by exactly one ModelGainReversed in its stream, after both, naming that activation's proposal
/// and reason, debiting the credited contributor by exactly the credit, in an epoch not yet closed; a reversal without
/// those is named too. Each difference is named at the log index of the event it concerns. Pure: fed one event at a time,
/// in log order.
/// </summary>
internal sealed class GainRewardReplay : IReplay
{
    public string Name => "gains";

    IReplaySection IReplay.Finish() => Finish();

    private const string GainStreams = "ledger/gains/";
    private const string EvaluationStreams = "model/contributions/";

    private readonly List<(long From, RewardPolicy Policy)> _policies = [];
    private readonly Dictionary<string, (long Index, JsonElement Data)> _evaluations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _creditedAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (long Index, string? Contributor, BigInteger Amount)> _credits = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(long Index, string ProposalId, string ContributionId, string Reason)> _invalidations = [];
    private readonly Dictionary<string, long> _reversedAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private long _lastClosed = -1;
    private BigInteger _paid;
    private BigInteger _reversed;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "rewardpolicypublished" when e.Stream == "ledger/policies":
                if (PolicyReplay.ReadPolicy(e.Data) is { } policy)
                    _policies.Add((Long(e.Data, "effectiveFromEpoch") ?? 0, policy)); // the policy replay names a malformed one
                break;
            case "modelcontributionevaluated" when e.Stream.StartsWith(EvaluationStreams, StringComparison.Ordinal):
                // Only in its own contribution's stream, once (the model replay names a second one).
                if (Text(e.Data, "contributionId") is { } evaluated && string.Equals(e.Stream, EvaluationStreams + evaluated, StringComparison.OrdinalIgnoreCase))
                    _evaluations.TryAdd(evaluated, (e.Index, e.Data.Clone()));
                break;
            case "modelgainrewarded":
                Check(e);
                break;
            case "policyactivated" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                if (Text(e.Data, "kind") == "contribution-invalidation" && Text(e.Data, "proposalId") is { } proposal
                    && Invalidated(Text(e.Data, "payload")) is { } target)
                    _invalidations.Add((e.Index, proposal, target.ContributionId, target.Reason));
                break;
            case "epochclosed" when e.Stream.StartsWith("ledger/epochs/", StringComparison.Ordinal):
                if (Long(e.Data, "epoch") is { } closed)
                    _lastClosed = Math.Max(_lastClosed, closed);
                break;
            case "modelgainreversed":
                CheckReversal(e);
                break;
        }
    }

    public GainRewardReplayResult Finish()
    {
        var due = 0;
        foreach (var (id, evaluation) in _evaluations.Where(e => Pays(e.Value.Data)))
        {
            due++;
            // Only a history the ledger keeps (it records its reward policy first) owes a credit; one without the ledger,
            // such as the model service's alone, has nothing to hold it to, as an appeal is unsettled only where credited.
            if (_policies.Count > 0 && !_creditedAt.ContainsKey(id))
                Find(evaluation.Index, "gain unrewarded",
                    $"contributed model {Text(evaluation.Data, "modelHash")} of contribution {id} became champion with a gain of {Int(evaluation.Data, "gainBasisPoints")} bp, but no ModelGainRewarded credits it");
        }
        var reversalsDue = 0;
        foreach (var (id, credit) in _credits.Where(c => !c.Value.Amount.IsZero))
        {
            if (_invalidations.FirstOrDefault(i => string.Equals(i.ContributionId, id, StringComparison.OrdinalIgnoreCase)) is not { ProposalId: { } proposal })
                continue;
            reversalsDue++;
            if (!_reversedAt.ContainsKey(id))
                Find(credit.Index, "gain reversal missing",
                    $"proposal {proposal} invalidated contribution {id}, whose gain credit of {N(credit.Amount)} to {credit.Contributor} no ModelGainReversed takes back");
        }
        return new GainRewardReplayResult(due, _creditedAt.Count, _paid, reversalsDue, _reversedAt.Count, _reversed, _findings);
    }

    private void CheckReversal(LogEvent e)
    {
        if (!e.Stream.StartsWith(GainStreams, StringComparison.Ordinal))
            return; // not the ledger's: no debit (the reward replay takes them from the gain streams only, too)
        var id = Text(e.Data, "contributionId");
        if (id is null || !string.Equals(e.Stream, GainStreams + id, StringComparison.OrdinalIgnoreCase))
        {
            Find(e.Index, "gain reversal stream", $"{e.Describe()}: its contributionId does not name its stream");
            return;
        }
        if (_reversedAt.TryGetValue(id, out var earlier))
        {
            Find(e.Index, "gain reversed twice", $"the gain of contribution {id} is taken back again (first at log index {earlier})");
            return;
        }
        _reversedAt[id] = e.Index;
        var recordedAmount = Text(e.Data, "amount");
        if (recordedAmount is ['-', .. var digits] && TryAmount(digits, out var debit))
            _reversed += debit;
        var proposal = Text(e.Data, "proposalId");
        var activation = _invalidations.FirstOrDefault(i => string.Equals(i.ContributionId, id, StringComparison.OrdinalIgnoreCase)
            && string.Equals(i.ProposalId, proposal, StringComparison.OrdinalIgnoreCase));
        if (activation.ProposalId is null)
        {
            Find(e.Index, "gain reversal without activation",
                $"the gain of contribution {id} is taken back citing proposal {proposal ?? "(none)"}, but no contribution-invalidation of it was activated before");
            return;
        }
        if (!_credits.TryGetValue(id, out var credit))
        {
            Find(e.Index, "gain reversal without credit", $"the gain of contribution {id} is taken back but was never credited before");
            return;
        }
        CompareReversal(e, id, "amount", recordedAmount, N(-credit.Amount));
        CompareReversal(e, id, "account", Text(e.Data, "account")?.ToLowerInvariant(), credit.Contributor?.ToLowerInvariant());
        CompareReversal(e, id, "reason", Text(e.Data, "reason"), activation.Reason);
        if (Long(e.Data, "epoch") is not { } epoch || epoch <= _lastClosed)
            Find(e.Index, "gain reversal epoch",
                $"the gain of contribution {id} is taken back in epoch {Long(e.Data, "epoch")?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, but epoch {_lastClosed} had already closed");
    }

    /// <summary>The contribution and reason of an invalidation's payload (canonical JSON in a string), or null when it does not read.</summary>
    private static (string ContributionId, string Reason)? Invalidated(string? payload)
    {
        if (payload is null)
            return null;
        try
        {
            using var document = JsonDocument.Parse(payload);
            return Text(document.RootElement, "contributionId") is { } id && Text(document.RootElement, "reason") is { } reason
                ? (id.ToLowerInvariant(), reason)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void CompareReversal(LogEvent e, string id, string field, string? recorded, string? recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            Find(e.Index, "gain reversal " + field, $"contribution {id} records gain reversal {field} {recorded ?? "(none)"}, the history recomputes {recomputed ?? "(none)"}");
    }

    /// <summary>An evaluation the ledger must credit: the model was measured (not refused) and became champion.</summary>
    private static bool Pays(JsonElement evaluation) =>
        Text(evaluation, "refusal") is null && Bool(evaluation, "becameChampion") is true;

    private void Check(LogEvent e)
    {
        if (!e.Stream.StartsWith(GainStreams, StringComparison.Ordinal))
            return; // not the ledger's: no credit (the reward replay takes credits from the gain streams only, too)
        var id = Text(e.Data, "contributionId");
        if (id is null || !string.Equals(e.Stream, GainStreams + id, StringComparison.OrdinalIgnoreCase))
        {
            Find(e.Index, "gain reward stream", $"{e.Describe()}: its contributionId does not name its stream");
            return;
        }
        if (_creditedAt.TryGetValue(id, out var earlier))
        {
            Find(e.Index, "gain rewarded twice", $"the gain of contribution {id} is credited again (first at log index {earlier})");
            return;
        }
        _creditedAt[id] = e.Index;
        if (TryAmount(Text(e.Data, "amount"), out var amount))
        {
            _paid += amount;
            _credits[id] = (e.Index, Text(e.Data, "contributor"), amount);
        }
        if (!_evaluations.TryGetValue(id, out var evaluation))
        {
            Find(e.Index, "gain reward without evaluation", $"contribution {id} is credited a gain, but no evaluation of it is recorded before");
            return;
        }
        if (!Pays(evaluation.Data))
        {
            Find(e.Index, "gain reward without a champion change",
                $"contribution {id} is credited a gain, but its evaluation at log index {evaluation.Index} did not make it champion");
            return;
        }
        Compare(e, id, "contributor", Text(e.Data, "contributor")?.ToLowerInvariant(), Text(evaluation.Data, "contributor")?.ToLowerInvariant());
        Compare(e, id, "period", Long(e.Data, "period")?.ToString(CultureInfo.InvariantCulture), Long(evaluation.Data, "period")?.ToString(CultureInfo.InvariantCulture));
        Compare(e, id, "modelHash", Text(e.Data, "modelHash")?.ToLowerInvariant(), Text(evaluation.Data, "modelHash")?.ToLowerInvariant());
        var gain = Int(evaluation.Data, "gainBasisPoints") ?? 0;
        Compare(e, id, "gainBasisPoints", Int(e.Data, "gainBasisPoints")?.ToString(CultureInfo.InvariantCulture), gain.ToString(CultureInfo.InvariantCulture));
        if (Long(e.Data, "epoch") is not { } epoch)
        {
            Find(e.Index, "gain reward epoch", $"the gain credit of contribution {id} names no integer epoch");
            return;
        }
        var inForce = _policies.LastOrDefault(p => p.From <= epoch).Policy;
        if (inForce is null)
        {
            Find(e.Index, "gain reward without a policy", $"the gain of contribution {id} is credited in epoch {epoch}, before any reward policy applies");
            return;
        }
        Compare(e, id, "policyVersion", Text(e.Data, "policyVersion"), inForce.Name);
        Compare(e, id, "amount", Text(e.Data, "amount"), N(inForce.GainRewardFor(gain)));
    }

    private void Compare(LogEvent e, string id, string field, string? recorded, string? recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            Find(e.Index, "gain reward " + field, $"contribution {id} records gain credit {field} {recorded ?? "(none)"}, the history recomputes {recomputed ?? "(none)"}");
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private static string N(BigInteger n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What recomputing the contributed models' gain credits found.</summary>
/// <param name="Due">Evaluations that made their model champion: each must have its credit.</param>
/// <param name="Recorded">ModelGainRewarded events in the ledger's gain streams (one per contribution counted).</param>
/// <param name="Paid">What they credit in all, token base units.</param>
/// <param name="ReversalsDue">Gain credits of more than 0 whose contribution was invalidated: each must be taken back.</param>
/// <param name="Reversed">ModelGainReversed events in the ledger's gain streams (one per contribution counted).</param>
/// <param name="TakenBack">What they take back in all, token base units.</param>
internal sealed record GainRewardReplayResult(
    int Due, int Recorded, BigInteger Paid, int ReversalsDue, int Reversed, BigInteger TakenBack, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("model gain credits", ["champion changes", "recorded", "paid", "reversals due", "reversed", "taken back", "findings"],
            [[I(Due), I(Recorded), Paid.ToString(CultureInfo.InvariantCulture), I(ReversalsDue), I(Reversed), TakenBack.ToString(CultureInfo.InvariantCulture), I(Findings.Count)]]);
        console.Findings("model gain findings", Findings);
    }
}
