using System.Globalization;
using System.Text.Json;
using CommunityAI.Audit.History;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Recomputes every data-value credit (DataValueRewarded in <c>ledger/data-value/{id}</c>) from the history alone, apart
/// from the ledger's code: the valuation it pays (the DataValued of a round's <c>model/</c> stream with its period and model
/// hash, recorded before it), the batch it names (<c>data</c> or <c>feedback</c>) with a gain of more than 0 and a share of
/// the contribution, the contributor, gain, batch examples and examples it repeats, and the amount: that share's part of
/// the batch's pool, gain · dataGainRewardPerBasisPoint of the reward policy in force in the credit's epoch (absent in the
/// record means 0), split over all of the batch's shares by examples (<c>RewardPolicy.DataValueRewardsFor</c>), so it does
/// not depend on which shares were credited before. A contribution is paid once, for the first valuation whose batch with
/// a gain shares it: a credit for a later one, a second credit, and a share of that first valuation left without a credit
/// are named. A credit of more than 0 whose contribution governance invalidated must be taken back by exactly one
/// DataValueReversed in its stream (<see cref="CreditCheck"/> and <see cref="ReversalCheck"/>, the rules every measured
/// credit and a reward's adjustment share). Whether the valuation itself was measured honestly is the model replay's to
/// say. Each difference is named at the log index of the event it concerns. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class DataValueReplay : IReplay
{
    public string Name => "data-value";

    IReplaySection IReplay.Finish() => Finish();

    private const string ValuationStreams = "model/";
    private static readonly string[] Batches = ["data", "feedback"];

    private readonly CreditCheck _credits = new(CreditKind.DataValue);
    // Each valuation by its period and model (lower case), the first recorded.
    private readonly Dictionary<(long Period, string ModelHash), (long Index, JsonElement Data)> _valuations = [];
    // Where each contribution is paid: the first valuation whose batch with a gain shares it.
    private readonly Dictionary<string, (long Index, string Batch, string ModelHash)> _dueAt = new(StringComparer.OrdinalIgnoreCase);

    public void Add(LogEvent e)
    {
        if (_credits.Add(e) is { } credited)
            Check(e, credited);
        else if (Normalize(e.Type) == "datavalued" && e.Stream.StartsWith(ValuationStreams, StringComparison.Ordinal))
            Valued(e);
    }

    public CreditReplayResult Finish()
    {
        // Only a history the ledger keeps owes a credit (see CreditCheck.LedgerKept).
        foreach (var (id, due) in _dueAt.Where(d => _credits.LedgerKept && !_credits.Credited(d.Key)))
            _credits.Find(due.Index, "data value unrewarded",
                $"contribution {id} has a share of the {due.Batch} batch of model {due.ModelHash}, which gained, but no DataValueRewarded credits it");
        return _credits.Finish(_dueAt.Count);
    }

    private void Valued(LogEvent e)
    {
        if (Long(e.Data, "period") is not { } period || Text(e.Data, "modelHash") is not { } hash
            || !_valuations.TryAdd((period, hash.ToLowerInvariant()), (e.Index, e.Data.Clone())))
            return;
        foreach (var batch in Batches)
        {
            if (Member(e.Data, batch) is not { } value || Int(value, "gainBasisPoints") is not > 0)
                continue;
            foreach (var share in Array(value, "shares") ?? [])
                if (Text(share, "contributionId") is { } id)
                    _dueAt.TryAdd(id, (e.Index, batch, hash));
        }
    }

    private void Check(LogEvent e, string id)
    {
        var period = Long(e.Data, "period");
        var hash = Text(e.Data, "modelHash");
        if (period is null || hash is null || !_valuations.TryGetValue((period.Value, hash.ToLowerInvariant()), out var valuation))
        {
            _credits.Find(e.Index, "data value reward without valuation",
                $"contribution {id} is credited a data value of model {hash ?? "(none)"} in period {period?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, but no valuation of it is recorded before");
            return;
        }
        var batch = Text(e.Data, "batch");
        var value = batch is not null && Batches.Contains(batch) ? Member(valuation.Data, batch) : null;
        var shares = value is { } measured ? Array(measured, "shares") : null;
        var gain = value is { } batchValue ? Int(batchValue, "gainBasisPoints") : null;
        var position = shares?.Select(s => Text(s, "contributionId")).ToList().FindIndex(s => string.Equals(s, id, StringComparison.OrdinalIgnoreCase)) ?? -1;
        if (shares is null || gain is not > 0 || position < 0)
        {
            _credits.Find(e.Index, "data value reward without a share",
                $"contribution {id} is credited a data value, but the {batch ?? "(none)"} batch of the valuation at log index {valuation.Index} gives it no share of a gain");
            return;
        }
        if (_dueAt.TryGetValue(id, out var first) && (first.Index != valuation.Index || first.Batch != batch))
            _credits.Find(e.Index, "data value reward valuation",
                $"contribution {id} is credited for the valuation at log index {valuation.Index}, but the one that first shared a gain with it is at log index {first.Index}");
        var examples = shares.Select(s => Int(s, "examples")).ToList();
        _credits.Compare(e, id, "contributor", Text(e.Data, "contributor")?.ToLowerInvariant(), Text(shares[position], "contributor")?.ToLowerInvariant());
        _credits.Compare(e, id, "gainBasisPoints", Int(e.Data, "gainBasisPoints")?.ToString(CultureInfo.InvariantCulture), gain.Value.ToString(CultureInfo.InvariantCulture));
        _credits.Compare(e, id, "examples", Int(e.Data, "examples")?.ToString(CultureInfo.InvariantCulture), examples[position]?.ToString(CultureInfo.InvariantCulture));
        if (examples.Any(n => n is not > 0))
        {
            // The split needs every share's examples: without them no amount follows (the model replay names the valuation).
            _credits.Find(e.Index, "data value reward shares",
                $"contribution {id} is credited from the {batch} batch of the valuation at log index {valuation.Index}, which lists a share without examples: no split follows");
            return;
        }
        var counted = examples.Select(n => n!.Value).ToList();
        _credits.Compare(e, id, "batchExamples", Int(e.Data, "batchExamples")?.ToString(CultureInfo.InvariantCulture), counted.Sum().ToString(CultureInfo.InvariantCulture));
        if (_credits.PolicyOf(e, id) is { } inForce)
            _credits.Compare(e, id, "amount", Text(e.Data, "amount"), inForce.DataValueRewardsFor(gain, counted)[position].ToString(CultureInfo.InvariantCulture));
    }
}
