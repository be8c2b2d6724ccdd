using System.Globalization;
using System.Numerics;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Recomputes every reversal from the history alone, written apart from the ledger's code on purpose. A RewardAdjusted in
/// <c>ledger/credits/{id}</c> must follow an activated <c>contribution-invalidation</c> of that contribution recorded by
/// governance (PolicyActivated in <c>governance/</c>; PolicyReplay checks that the activation followed a passed vote and
/// its timelock), name the proposal and reason of that activation, debit the account the contribution's
/// ContributionRewarded credited by exactly its amount (the amount is minus the credit, plus the contributor delta of an
/// AppealSettled recorded before it), land in an epoch not yet closed, and appear at most once per contribution (checked by
/// <see cref="ReversalCheck"/>, the rules it shares with a gain reversal). Every activated invalidation of a contribution
/// credited more than 0 must have its adjustment, whichever came first. Pure: fed one event at a time, in log order.
/// </summary>
/// <remarks>
/// Both orders are the ledger's to reverse: a contribution credited before its invalidation is reversed once the activation
/// is read, and one first credited after it (still under review when the vote ended) carries its adjustment in the credit's
/// own transaction, so it is never paid. A credit of an invalidated contribution left standing, in either order, is named
/// <c>adjustment missing</c> at the log index of the later of the two.
/// </remarks>
internal sealed class AdjustmentReplay : IReplay
{
    public string Name => "adjustments";

    IReplaySection IReplay.Finish() => Finish();

    private const string CreditStreams = "ledger/credits/";

    private readonly Dictionary<string, (long Index, string Contributor, BigInteger Amount)> _credits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, BigInteger> _settled = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private readonly ReversalCheck _reversals;

    public AdjustmentReplay() => _reversals = new ReversalCheck(ReversalKind.Adjustment, _findings);

    public void Add(LogEvent e)
    {
        var type = Normalize(e.Type);
        switch (type)
        {
            case "contributionrewarded" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } credited && Text(e.Data, "contributor") is { } contributor
                    && TryAmount(Text(e.Data, "amount"), out var amount))
                    _credits.TryAdd(credited, (e.Index, contributor, amount)); // RewardReplay names a second or malformed credit
                break;
            case "policyactivated" or "epochclosed":
                _reversals.Observe(type, e);
                break;
            case "appealsettled" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } settled && AppealSettlementReplay.Signed(Text(e.Data, "contributorDelta")) is { } delta)
                    _settled.TryAdd(settled, delta); // AppealSettlementReplay checks the delta and names a second settlement
                break;
            case "rewardadjusted":
                // The credit as it stands: an appeal settled before the reversal moved it by the settlement's contributor delta.
                _reversals.Check(e, id => _credits.TryGetValue(id, out var credit)
                    ? new ReversalCheck.Credited(credit.Contributor, credit.Amount + _settled.GetValueOrDefault(id))
                    : null);
                break;
        }
    }

    public AdjustmentReplayResult Finish()
    {
        var due = 0;
        foreach (var activation in _reversals.Activations.DistinctBy(a => a.ContributionId, StringComparer.OrdinalIgnoreCase))
        {
            if (!_credits.TryGetValue(activation.ContributionId, out var credit) || (credit.Amount + _settled.GetValueOrDefault(activation.ContributionId)).IsZero)
                continue;
            due++;
            if (_reversals.Reverses(activation.ContributionId))
                continue;
            var order = credit.Index > activation.Index ? "credited after it took effect" : "credited before";
            Find(Math.Max(credit.Index, activation.Index), "adjustment missing",
                $"proposal {activation.ProposalId} invalidated contribution {activation.ContributionId}, {order} with {N(credit.Amount)} to {credit.Contributor}, but no RewardAdjusted reverses it");
        }
        return new AdjustmentReplayResult(_reversals.Activations.Count, due, _reversals.Recorded, _reversals.TakenBack, _findings);
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private static string N(BigInteger n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What recomputing the reversals found.</summary>
/// <param name="Invalidations">Activated contribution-invalidation proposals.</param>
/// <param name="Due">Invalidated contributions whose credit the history says must be reversed.</param>
/// <param name="Recorded">RewardAdjusted events recorded (one per contribution counted).</param>
/// <param name="Debited">What those reversals take back in all.</param>
internal sealed record AdjustmentReplayResult(int Invalidations, int Due, int Recorded, BigInteger Debited, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        string N(System.Numerics.BigInteger n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("reversals", ["invalidations", "due", "recorded", "debited", "findings"],
            [[I(Invalidations), I(Due), I(Recorded), N(Debited), I(Findings.Count)]]);
        console.Findings("reversal findings", Findings);
    }
}
