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
/// those is named too (by <see cref="ReversalCheck"/>, the rules it shares with a reward's adjustment). Each difference is named at the log index of the event it concerns. Pure: fed one event at a time,
/// in log order.
/// </summary>
internal sealed class GainRewardReplay : IReplay
{
    public string Name => "gains";

    IReplaySection IReplay.Finish() => Finish();

    private const string GainStreams = "ledger/gains/";
    private const string EvaluationStreams = "model/contributions/";

    private readonly RewardPolicySchedule _policies = new();
    private readonly Dictionary<string, (long Index, JsonElement Data)> _evaluations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _creditedAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (long Index, string? Contributor, BigInteger Amount)> _credits = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private readonly ReversalCheck _reversals;
    private BigInteger _paid;

    public GainRewardReplay() => _reversals = new ReversalCheck(ReversalKind.Gain, _findings);

    public void Add(LogEvent e)
    {
        var type = Normalize(e.Type);
        switch (type)
        {
            case "rewardpolicypublished":
                _policies.Observe(e);
                break;
            case "modelcontributionevaluated" when e.Stream.StartsWith(EvaluationStreams, StringComparison.Ordinal):
                // Only in its own contribution's stream, once (the model replay names a second one).
                if (Text(e.Data, "contributionId") is { } evaluated && string.Equals(e.Stream, EvaluationStreams + evaluated, StringComparison.OrdinalIgnoreCase))
                    _evaluations.TryAdd(evaluated, (e.Index, e.Data.Clone()));
                break;
            case "modelgainrewarded":
                Check(e);
                break;
            case "policyactivated" or "epochclosed":
                _reversals.Observe(type, e);
                break;
            case "modelgainreversed" when e.Stream.StartsWith(GainStreams, StringComparison.Ordinal):
                // Only the ledger's gain streams debit (the reward replay takes reversals from them only, too).
                _reversals.Check(e, id => _credits.TryGetValue(id, out var credit) ? new ReversalCheck.Credited(credit.Contributor, credit.Amount) : null);
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
            if (_policies.Any && !_creditedAt.ContainsKey(id))
                Find(evaluation.Index, "gain unrewarded",
                    $"contributed model {Text(evaluation.Data, "modelHash")} of contribution {id} became champion with a gain of {Int(evaluation.Data, "gainBasisPoints")} bp, but no ModelGainRewarded credits it");
        }
        var reversalsDue = 0;
        foreach (var (id, credit) in _credits.Where(c => !c.Value.Amount.IsZero))
        {
            if (_reversals.InvalidationOf(id) is not { } activation)
                continue;
            reversalsDue++;
            if (!_reversals.Reverses(id))
                Find(credit.Index, "gain reversal missing",
                    $"proposal {activation.ProposalId} invalidated contribution {id}, whose gain credit of {N(credit.Amount)} to {credit.Contributor} no ModelGainReversed takes back");
        }
        return new GainRewardReplayResult(due, _creditedAt.Count, _paid, reversalsDue, _reversals.Recorded, _reversals.TakenBack, _findings);
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
        var inForce = _policies.InForce(epoch);
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
