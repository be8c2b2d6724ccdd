using System.Globalization;
using System.Text.Json;
using CommunityAI.Audit.History;
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
/// those is named too (by <see cref="CreditCheck"/> and <see cref="ReversalCheck"/>, the rules it shares with the other
/// measured credit and a reward's adjustment). Each difference is named at the log index of the event it concerns. Pure:
/// fed one event at a time, in log order.
/// </summary>
internal sealed class GainRewardReplay : IReplay
{
    public string Name => "gains";

    IReplaySection IReplay.Finish() => Finish();

    private const string EvaluationStreams = "model/contributions/";

    private readonly CreditCheck _credits = new(CreditKind.Gain);
    private readonly Dictionary<string, (long Index, JsonElement Data)> _evaluations = new(StringComparer.OrdinalIgnoreCase);

    public void Add(LogEvent e)
    {
        if (_credits.Add(e) is { } credited)
            Check(e, credited);
        else if (Normalize(e.Type) == "modelcontributionevaluated" && e.Stream.StartsWith(EvaluationStreams, StringComparison.Ordinal)
            // Only in its own contribution's stream, once (the model replay names a second one).
            && Text(e.Data, "contributionId") is { } evaluated && string.Equals(e.Stream, EvaluationStreams + evaluated, StringComparison.OrdinalIgnoreCase))
            _evaluations.TryAdd(evaluated, (e.Index, e.Data.Clone()));
    }

    public CreditReplayResult Finish()
    {
        var due = 0;
        foreach (var (id, evaluation) in _evaluations.Where(e => Pays(e.Value.Data)))
        {
            due++;
            if (_credits.LedgerKept && !_credits.Credited(id))
                _credits.Find(evaluation.Index, "gain unrewarded",
                    $"contributed model {Text(evaluation.Data, "modelHash")} of contribution {id} became champion with a gain of {Int(evaluation.Data, "gainBasisPoints")} bp, but no ModelGainRewarded credits it");
        }
        return _credits.Finish(due);
    }

    /// <summary>An evaluation the ledger must credit: the model was measured (not refused) and became champion.</summary>
    private static bool Pays(JsonElement evaluation) =>
        Text(evaluation, "refusal") is null && Bool(evaluation, "becameChampion") is true;

    private void Check(LogEvent e, string id)
    {
        if (!_evaluations.TryGetValue(id, out var evaluation))
        {
            _credits.Find(e.Index, "gain reward without evaluation", $"contribution {id} is credited a gain, but no evaluation of it is recorded before");
            return;
        }
        if (!Pays(evaluation.Data))
        {
            _credits.Find(e.Index, "gain reward without a champion change",
                $"contribution {id} is credited a gain, but its evaluation at log index {evaluation.Index} did not make it champion");
            return;
        }
        _credits.Compare(e, id, "contributor", Text(e.Data, "contributor")?.ToLowerInvariant(), Text(evaluation.Data, "contributor")?.ToLowerInvariant());
        _credits.Compare(e, id, "period", Long(e.Data, "period")?.ToString(CultureInfo.InvariantCulture), Long(evaluation.Data, "period")?.ToString(CultureInfo.InvariantCulture));
        _credits.Compare(e, id, "modelHash", Text(e.Data, "modelHash")?.ToLowerInvariant(), Text(evaluation.Data, "modelHash")?.ToLowerInvariant());
        var gain = Int(evaluation.Data, "gainBasisPoints") ?? 0;
        _credits.Compare(e, id, "gainBasisPoints", Int(e.Data, "gainBasisPoints")?.ToString(CultureInfo.InvariantCulture), gain.ToString(CultureInfo.InvariantCulture));
        if (_credits.PolicyOf(e, id) is { } inForce)
            _credits.Compare(e, id, "amount", Text(e.Data, "amount"), inForce.GainRewardFor(gain).ToString(CultureInfo.InvariantCulture));
    }
}
