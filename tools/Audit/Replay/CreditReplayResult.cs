using System.Globalization;
using System.Numerics;
using System.Text.Json.Serialization;
using CommunityAI.Audit.Commands;

namespace CommunityAI.Audit.Replay;

/// <summary>What recomputing one kind of measured credit (<see cref="CreditCheck"/>) found.</summary>
/// <param name="Kind">Which kind: how the tables read (not part of the report's JSON).</param>
/// <param name="Due">What the history owes a credit of this kind: each must have its credit.</param>
/// <param name="Recorded">Credits in the ledger's streams of this kind (one per contribution counted).</param>
/// <param name="Paid">What they credit in all, token base units.</param>
/// <param name="ReversalsDue">Credits of more than 0 whose contribution was invalidated: each must be taken back.</param>
/// <param name="Reversed">Reversals in the ledger's streams of this kind (one per contribution counted).</param>
/// <param name="TakenBack">What they take back in all, token base units.</param>
internal sealed record CreditReplayResult(
    [property: JsonIgnore] CreditKind Kind,
    int Due, int Recorded, BigInteger Paid, int ReversalsDue, int Reversed, BigInteger TakenBack, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table(Kind.Title + " credits", [Kind.DueColumn, "recorded", "paid", "reversals due", "reversed", "taken back", "findings"],
            [[I(Due), I(Recorded), Paid.ToString(CultureInfo.InvariantCulture), I(ReversalsDue), I(Reversed), TakenBack.ToString(CultureInfo.InvariantCulture), I(Findings.Count)]]);
        console.Findings(Kind.Title + " findings", Findings);
    }
}
