namespace CommunityAI.Contracts;

/// <summary>
/// The reward ledger split one <see cref="DatasetPaid"/> over the paid snapshot's contributors, in proportion to the
/// scores their members had when the snapshot was taken, and credited each line to the epoch named here (stream
/// <c>ledger/revenue/{paymentId}</c>, recorded once per payment). Shares are rounded down; what that leaves, and a payment
/// for a snapshot the history does not hold or whose members have no score, goes to the treasury. The lines add up to
/// the amount exactly, and they enter the claim tree like rewards. History only; recorded by the reward-ledger service.
/// </summary>
/// <remarks>
/// Validators' share (added in 1.16): under a reward policy whose <see cref="RewardPolicyPublished.DatasetValidatorShareBasisPoints"/>
/// is above zero, the validators who reviewed the members (the unclipped reviews of each member's score the snapshot used,
/// when validators decided it) receive pool = floor(amount · share / 10000) between them, each floor(pool · weight /
/// total validator weight); the contributors share amount − pool as before, and the treasury what both roundings leave.
/// A snapshot without such reviews pays its validators nothing and its contributors everything.
/// </remarks>
/// <param name="PaymentId">The payment split (<see cref="DatasetPaid.PaymentId"/>).</param>
/// <param name="SnapshotRoot">The snapshot paid for.</param>
/// <param name="Amount">The payment's amount, token base units as a decimal string.</param>
/// <param name="Treasury">The payment's treasury, EIP-55.</param>
/// <param name="Outcome"><c>split</c>, <c>unknown-snapshot</c> (no such snapshot: all to the treasury) or <c>no-scores</c> (its members' scores add up to zero: all to the treasury).</param>
/// <param name="TotalWeight">The sum of the members' scores the shares are proportional to.</param>
/// <param name="Epoch">The reward epoch the lines are credited to.</param>
/// <param name="Lines">Who receives what: contributors by address, then validators by address, then the treasury's remainder.</param>
/// <param name="SplitAt">When the ledger recorded the split.</param>
/// <param name="PolicyVersion">The reward policy in force in <paramref name="Epoch"/>, whose validators' share applied (<c>reward-{version}</c>). Optional (added in 1.16): absent on older splits, which paid validators nothing.</param>
/// <param name="ValidatorPool">What the validators share, token base units as a decimal string; "0" or absent when they share nothing. Optional (added in 1.16).</param>
/// <param name="ValidatorWeight">The sum of the validators' weights the pool is divided in proportion to. Optional (added in 1.16).</param>
public sealed record RevenueSplit(
    string PaymentId,
    string SnapshotRoot,
    string Amount,
    string Treasury,
    string Outcome,
    long TotalWeight,
    long Epoch,
    IReadOnlyList<RevenueShare> Lines,
    DateTimeOffset SplitAt,
    string? PolicyVersion = null,
    string? ValidatorPool = null,
    long ValidatorWeight = 0);
