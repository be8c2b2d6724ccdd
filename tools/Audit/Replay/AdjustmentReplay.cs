using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Recomputes every reversal from the history alone, written apart from the ledger's code on purpose. A RewardAdjusted in
/// <c>ledger/credits/{id}</c> must follow an activated <c>contribution-invalidation</c> of that contribution recorded by
/// governance (PolicyActivated in <c>governance/</c>; PolicyReplay checks that the activation followed a passed vote and
/// its timelock), name the proposal and reason of that activation, debit the account the contribution's
/// ContributionRewarded credited by exactly its amount (the amount is minus the credit, plus the contributor delta of an
/// AppealSettled recorded before it), land in an epoch not yet closed,
/// and appear at most once per contribution. Every activated invalidation of a contribution credited more than 0 must have
/// its adjustment, whichever came first. Pure: fed one event at a time, in log order.
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
    private const string GovernanceStreams = "governance/";
    private const string InvalidationKind = "contribution-invalidation";

    private readonly Dictionary<string, (long Index, string Contributor, BigInteger Amount)> _credits = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Activation> _activations = [];
    private readonly Dictionary<string, long> _adjustedAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, BigInteger> _settled = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private long _lastClosed = -1;
    private BigInteger _debited;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "contributionrewarded" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } credited && Text(e.Data, "contributor") is { } contributor
                    && TryAmount(Text(e.Data, "amount"), out var amount))
                    _credits.TryAdd(credited, (e.Index, contributor, amount)); // RewardReplay names a second or malformed credit
                break;
            case "policyactivated" when e.Stream.StartsWith(GovernanceStreams, StringComparison.Ordinal):
                if (Text(e.Data, "kind") == InvalidationKind && Text(e.Data, "proposalId") is { } proposal && Invalidated(Text(e.Data, "payload")) is { } target)
                    _activations.Add(new Activation(e.Index, proposal, target.ContributionId, target.Reason));
                break;
            case "epochclosed" when e.Stream.StartsWith("ledger/epochs/", StringComparison.Ordinal):
                if (Long(e.Data, "epoch") is { } closed)
                    _lastClosed = Math.Max(_lastClosed, closed);
                break;
            case "appealsettled" when e.Stream.StartsWith(CreditStreams, StringComparison.Ordinal):
                if (Text(e.Data, "contributionId") is { } settled && AppealSettlementReplay.Signed(Text(e.Data, "contributorDelta")) is { } delta)
                    _settled.TryAdd(settled, delta); // AppealSettlementReplay checks the delta and names a second settlement
                break;
            case "rewardadjusted":
                Check(e);
                break;
        }
    }

    public AdjustmentReplayResult Finish()
    {
        var due = 0;
        foreach (var activation in _activations.DistinctBy(a => a.ContributionId, StringComparer.OrdinalIgnoreCase))
        {
            if (!_credits.TryGetValue(activation.ContributionId, out var credit) || (credit.Amount + _settled.GetValueOrDefault(activation.ContributionId)).IsZero)
                continue;
            due++;
            if (_adjustedAt.ContainsKey(activation.ContributionId))
                continue;
            var order = credit.Index > activation.Index ? "credited after it took effect" : "credited before";
            Find(Math.Max(credit.Index, activation.Index), "adjustment missing",
                $"proposal {activation.ProposalId} invalidated contribution {activation.ContributionId}, {order} with {N(credit.Amount)} to {credit.Contributor}, but no RewardAdjusted reverses it");
        }
        return new AdjustmentReplayResult(_activations.Count, due, _adjustedAt.Count, _debited, _findings);
    }

    private void Check(LogEvent e)
    {
        var id = Text(e.Data, "contributionId");
        if (id is null || !string.Equals(e.Stream, CreditStreams + id, StringComparison.OrdinalIgnoreCase))
        {
            Find(e.Index, "adjustment stream", $"{e.Describe()}: a RewardAdjusted belongs in ledger/credits/ of the contribution its contributionId names");
            return;
        }
        if (_adjustedAt.TryGetValue(id, out var earlier))
        {
            Find(e.Index, "adjusted twice", $"contribution {id} is reversed again (first at log index {earlier})");
            return;
        }
        _adjustedAt[id] = e.Index;
        var recordedAmount = Text(e.Data, "amount");
        if (recordedAmount is ['-', .. var digits] && TryAmount(digits, out var debit))
            _debited += debit;

        var proposal = Text(e.Data, "proposalId");
        var activation = _activations.FirstOrDefault(a => string.Equals(a.ContributionId, id, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.ProposalId, proposal, StringComparison.OrdinalIgnoreCase));
        if (activation is null)
        {
            Find(e.Index, "adjustment without activation",
                $"contribution {id} is reversed citing proposal {proposal ?? "(none)"}, but no contribution-invalidation of it was activated before");
            return;
        }
        if (!_credits.TryGetValue(id, out var credit))
        {
            Find(e.Index, "adjustment without credit", $"contribution {id} is reversed but was never credited before");
            return;
        }
        // The credit as it stands: an appeal settled before the reversal moved it by the settlement's contributor delta.
        Compare(e, id, "amount", recordedAmount, N(-(credit.Amount + _settled.GetValueOrDefault(id))));
        if (!(Text(e.Data, "account") is { } account && Address.IsValid(account) && string.Equals(account, credit.Contributor, StringComparison.OrdinalIgnoreCase)))
            Find(e.Index, "adjustment account", $"contribution {id} credited {credit.Contributor}, but the reversal debits {Text(e.Data, "account") ?? "(none)"}");
        Compare(e, id, "reason", Text(e.Data, "reason"), activation.Reason);
        if (Long(e.Data, "epoch") is not { } epoch || epoch <= _lastClosed)
            Find(e.Index, "adjustment epoch",
                $"contribution {id} is reversed in epoch {Long(e.Data, "epoch")?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, but epoch {_lastClosed} had already closed");
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

    private void Compare(LogEvent e, string id, string field, string? recorded, string recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            Find(e.Index, "adjustment " + field, $"contribution {id} records a reversal {field} of {recorded ?? "(none)"}, the history recomputes {recomputed}");
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private static string N(BigInteger n) => n.ToString(CultureInfo.InvariantCulture);

    private sealed record Activation(long Index, string ProposalId, string ContributionId, string Reason);
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
