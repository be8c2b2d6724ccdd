using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// The one set of rules for taking a credit back, shared by every kind of take-back (<see cref="ReversalKind"/>): a
/// reversal lies in its contribution's stream, at most once per contribution, after an activated
/// <c>contribution-invalidation</c> of that contribution recorded by governance (PolicyActivated in <c>governance/</c>;
/// PolicyReplay checks its vote and timelock) whose proposal it names, after a credit it takes back exactly (amount minus
/// the credit as it stands, the credited account, the activation's reason), in an epoch not yet closed. Written once so
/// the reward adjustment and the gain reversal cannot drift apart. Pure: fed one event at a time, in log order.
/// </summary>
/// <param name="kind">Where this kind of reversal lives and how its findings read.</param>
/// <param name="findings">The owning replay's findings, which this check adds to in log order.</param>
internal sealed class ReversalCheck(ReversalKind kind, List<ReplayDifference> findings)
{
    private const string InvalidationKind = "contribution-invalidation";

    private readonly List<Activation> _activations = [];
    private readonly Dictionary<string, long> _reversedAt = new(StringComparer.OrdinalIgnoreCase);
    private long _lastClosed = -1;

    /// <summary>Activated invalidations of contributions, in log order (a contribution may be named more than once).</summary>
    public IReadOnlyList<Activation> Activations => _activations;

    /// <summary>Reversals recorded in their contribution's stream (one per contribution counted).</summary>
    public int Recorded => _reversedAt.Count;

    /// <summary>What the counted reversals take back in all, token base units (their amounts without the minus sign).</summary>
    public BigInteger TakenBack { get; private set; }

    /// <summary>Whether a reversal of the contribution is recorded.</summary>
    public bool Reverses(string contributionId) => _reversedAt.ContainsKey(contributionId);

    /// <summary>The first activated invalidation of the contribution, or null.</summary>
    public Activation? InvalidationOf(string contributionId) =>
        _activations.FirstOrDefault(a => string.Equals(a.ContributionId, contributionId, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Takes in what every reversal depends on besides its credit: a PolicyActivated (only a contribution-invalidation by
    /// governance counts) or an EpochClosed of the ledger. <paramref name="type"/> is the event's normalized type.
    /// </summary>
    public void Observe(string type, LogEvent e)
    {
        switch (type)
        {
            case "policyactivated":
                if (ActivationOf(e) is { } activation)
                    _activations.Add(activation);
                break;
            case "epochclosed" when e.Stream.StartsWith("ledger/epochs/", StringComparison.Ordinal):
                if (Long(e.Data, "epoch") is { } closed)
                    _lastClosed = Math.Max(_lastClosed, closed);
                break;
        }
    }

    /// <summary>Checks one reversal; <paramref name="creditOf"/> gives a contribution's credit as it stands, or null when none was recorded before.</summary>
    public void Check(LogEvent e, Func<string, Credited?> creditOf)
    {
        var id = Text(e.Data, "contributionId");
        if (id is null || !string.Equals(e.Stream, kind.Streams + id, StringComparison.OrdinalIgnoreCase))
        {
            Find(e.Index, "stream", $"{e.Describe()}: {kind.WrongStream}");
            return;
        }
        if (_reversedAt.TryGetValue(id, out var earlier))
        {
            findings.Add(new ReplayDifference(e.Index, kind.Twice, $"{kind.Taken(id)} again (first at log index {earlier})"));
            return;
        }
        _reversedAt[id] = e.Index;
        var recordedAmount = Text(e.Data, "amount");
        if (recordedAmount is ['-', .. var digits] && TryAmount(digits, out var debit))
            TakenBack += debit;

        var proposal = Text(e.Data, "proposalId");
        var activation = _activations.FirstOrDefault(a => string.Equals(a.ContributionId, id, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.ProposalId, proposal, StringComparison.OrdinalIgnoreCase));
        if (activation is null)
        {
            Find(e.Index, "without activation",
                $"{kind.Taken(id)} citing proposal {proposal ?? "(none)"}, but no contribution-invalidation of it was activated before");
            return;
        }
        if (creditOf(id) is not { } credit)
        {
            Find(e.Index, "without credit", $"{kind.Taken(id)} but was never credited before");
            return;
        }
        Compare(e, id, "amount", recordedAmount, N(-credit.Standing));
        // One account rule for every kind: a valid address, the credited one (case aside, as EIP-55 allows).
        var account = Text(e.Data, "account");
        if (!(account is not null && Address.IsValid(account) && string.Equals(account, credit.Account, StringComparison.OrdinalIgnoreCase)))
            Find(e.Index, "account", $"contribution {id} credited {credit.Account}, but the reversal debits {account ?? "(none)"}");
        Compare(e, id, "reason", Text(e.Data, "reason"), activation.Reason);
        if (Long(e.Data, "epoch") is not { } epoch || epoch <= _lastClosed)
            Find(e.Index, "epoch",
                $"{kind.Taken(id)} in epoch {Long(e.Data, "epoch")?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, but epoch {_lastClosed} had already closed");
    }

    /// <summary>
    /// The activated invalidation a PolicyActivated records (only a <c>contribution-invalidation</c> by governance counts), or
    /// null when it records none: the one reading of an invalidation, for every replay that must know one.
    /// </summary>
    public static Activation? ActivationOf(LogEvent e) =>
        Normalize(e.Type) == "policyactivated" && e.Stream.StartsWith("governance/", StringComparison.Ordinal)
        && Text(e.Data, "kind") == InvalidationKind && Text(e.Data, "proposalId") is { } proposal && Invalidated(Text(e.Data, "payload")) is { } target
            ? new Activation(e.Index, proposal, target.ContributionId, target.Reason)
            : null;

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

    private void Compare(LogEvent e, string id, string field, string? recorded, string? recomputed)
    {
        if (!string.Equals(recorded, recomputed, StringComparison.Ordinal))
            Find(e.Index, field, $"contribution {id} records {kind.Records(field)} {recorded ?? "(none)"}, the history recomputes {recomputed ?? "(none)"}");
    }

    private void Find(long index, string what, string detail) => findings.Add(new ReplayDifference(index, kind.Finding + " " + what, detail));

    private static string N(BigInteger n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>An activated contribution-invalidation: its log index, proposal, the contribution (lower case) and the reason.</summary>
    public sealed record Activation(long Index, string ProposalId, string ContributionId, string Reason);

    /// <summary>A contribution's credit as a reversal must take it back: the account credited and the amount standing.</summary>
    public readonly record struct Credited(string? Account, BigInteger Standing);
}
