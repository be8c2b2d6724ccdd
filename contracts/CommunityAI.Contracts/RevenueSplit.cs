namespace CommunityAI.Contracts;

/// <summary>
/// The reward ledger split one <see cref="DatasetPaid"/> over the paid snapshot's contributors, in proportion to the
/// scores their members had when the snapshot was taken, and credited each line to the epoch named here (stream
/// <c>ledger/revenue/{paymentId}</c>, recorded once per payment). Shares are rounded down; what that leaves, and a payment
/// for a snapshot the history does not hold or whose members have no score, goes to the treasury. The lines add up to
/// the amount exactly, and they enter the claim tree like rewards. History only; recorded by the reward-ledger service.
/// </summary>
/// <param name="PaymentId">The payment split (<see cref="DatasetPaid.PaymentId"/>).</param>
/// <param name="SnapshotRoot">The snapshot paid for.</param>
/// <param name="Amount">The payment's amount, token base units as a decimal string.</param>
/// <param name="Treasury">The payment's treasury, EIP-55.</param>
/// <param name="Outcome"><c>split</c>, <c>unknown-snapshot</c> (no such snapshot: all to the treasury) or <c>no-scores</c> (its members' scores add up to zero: all to the treasury).</param>
/// <param name="TotalWeight">The sum of the members' scores the shares are proportional to.</param>
/// <param name="Epoch">The reward epoch the lines are credited to.</param>
/// <param name="Lines">Who receives what, one line per address, contributors by address then the treasury's remainder.</param>
/// <param name="SplitAt">When the ledger recorded the split.</param>
public sealed record RevenueSplit(
    string PaymentId,
    string SnapshotRoot,
    string Amount,
    string Treasury,
    string Outcome,
    long TotalWeight,
    long Epoch,
    IReadOnlyList<RevenueShare> Lines,
    DateTimeOffset SplitAt);
