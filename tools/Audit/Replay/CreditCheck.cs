using System.Globalization;
using System.Numerics;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Formats.Policies;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// The one set of rules every measured credit (<see cref="CreditKind"/>: a contributed model's gain, a contribution's data
/// value) shares, whatever it pays for: it lies in its contribution's stream, at most once per contribution, in an epoch
/// with a reward policy in force, naming that policy; a credit of more than 0 whose contribution a
/// <c>contribution-invalidation</c> activated by governance names (before or after the credit: the order does not matter)
/// must be taken back by exactly one reversal in its stream (<see cref="ReversalCheck"/>). What the credit pays for, and
/// how much, is its replay's to say. Written once so the kinds cannot drift apart. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class CreditCheck
{
    private readonly CreditKind _kind;
    private readonly Dictionary<string, long> _creditedAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (long Index, string? Contributor, BigInteger Amount)> _credits = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private readonly ReversalCheck _reversals;
    private readonly RewardPolicySchedule _policies = new();
    private BigInteger _paid;

    public CreditCheck(CreditKind kind)
    {
        _kind = kind;
        _reversals = new ReversalCheck(kind.Reversal, _findings);
    }

    /// <summary>
    /// Whether the ledger keeps this history (it records its reward policy first): only then is a credit owed, as a history
    /// without the ledger, such as the model service's alone, has nothing to hold it to.
    /// </summary>
    public bool LedgerKept => _policies.Any;

    /// <summary>Whether the contribution was credited (in its stream) so far.</summary>
    public bool Credited(string contributionId) => _creditedAt.ContainsKey(contributionId);

    /// <summary>
    /// Takes in one event: the policies, activations and closings every credit and reversal depends on, and each reversal,
    /// which it checks. Returns the contribution id of a credit of this kind that is its contribution's first, in its own
    /// stream, for the replay to hold against what it pays (<see cref="PolicyOf"/>, <see cref="Compare"/>); null otherwise.
    /// </summary>
    public string? Add(LogEvent e)
    {
        var type = Normalize(e.Type);
        switch (type)
        {
            case "rewardpolicypublished":
                _policies.Observe(e);
                break;
            case "policyactivated" or "epochclosed":
                _reversals.Observe(type, e);
                break;
        }
        // Only the ledger's own streams credit and debit (the reward replay takes them from those only, too).
        if (!e.Stream.StartsWith(_kind.Streams, StringComparison.Ordinal))
            return null;
        if (type == _kind.ReversalType)
            _reversals.Check(e, id => _credits.TryGetValue(id, out var credit) ? new ReversalCheck.Credited(credit.Contributor, credit.Amount) : null);
        return type == _kind.CreditType ? Claim(e) : null;
    }

    private string? Claim(LogEvent e)
    {
        var id = Text(e.Data, "contributionId");
        if (id is null || !string.Equals(e.Stream, _kind.Streams + id, StringComparison.OrdinalIgnoreCase))
        {
            Find(e.Index, _kind.Finding + " stream", $"{e.Describe()}: its contributionId does not name its stream");
            return null;
        }
        if (_creditedAt.TryGetValue(id, out var earlier))
        {
            Find(e.Index, _kind.Twice, $"{_kind.Of(id)} is credited again (first at log index {earlier})");
            return null;
        }
        _creditedAt[id] = e.Index;
        if (TryAmount(Text(e.Data, "amount"), out var amount))
        {
            _paid += amount;
            _credits[id] = (e.Index, Text(e.Data, "contributor"), amount);
        }
        return id;
    }

    /// <summary>
    /// The reward policy in force in the credit's epoch (the newest whose effectiveFromEpoch is at or below it), with a
    /// finding when the credit names another; null, with its finding, when the credit names no epoch or no policy applies.
    /// </summary>
    public RewardPolicy? PolicyOf(LogEvent e, string id)
    {
        if (Long(e.Data, "epoch") is not { } epoch)
        {
            Find(e.Index, _kind.Finding + " epoch", $"the {_kind.Credit} of contribution {id} names no integer epoch");
            return null;
        }
        if (_policies.InForce(epoch) is not { } inForce)
        {
            Find(e.Index, _kind.Finding + " without a policy", $"{_kind.Of(id)} is credited in epoch {epoch}, before any reward policy applies");
            return null;
        }
        Compare(e, id, "policyVersion", Text(e.Data, "policyVersion"), inForce.Name);
        return inForce;
    }

    /// <summary>Names a field the credit records otherwise than the history recomputes it.</summary>
    public void Compare(LogEvent e, string id, string field, string? recorded, string? recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            Find(e.Index, _kind.Finding + " " + field,
                $"contribution {id} records {_kind.Credit} {field} {recorded ?? "(none)"}, the history recomputes {recomputed ?? "(none)"}");
    }

    public void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    /// <summary>
    /// The section: every credit of more than 0 whose contribution was invalidated must have been taken back (named at the
    /// credit otherwise); <paramref name="due"/> is what the replay found owed a credit.
    /// </summary>
    public CreditReplayResult Finish(int due)
    {
        var reversalsDue = 0;
        foreach (var (id, credit) in _credits.Where(c => !c.Value.Amount.IsZero))
        {
            if (_reversals.InvalidationOf(id) is not { } activation)
                continue;
            reversalsDue++;
            if (!_reversals.Reverses(id))
                Find(credit.Index, _kind.Reversal.Finding + " missing",
                    $"proposal {activation.ProposalId} invalidated contribution {id}, whose {_kind.Credit} of {credit.Amount.ToString(CultureInfo.InvariantCulture)} to {credit.Contributor} no {_kind.ReversalEvent} takes back");
        }
        return new CreditReplayResult(_kind, due, _creditedAt.Count, _paid, reversalsDue, _reversals.Recorded, _reversals.TakenBack, _findings);
    }
}
