namespace CommunityAI.Contracts;

/// <summary>
/// The reward ledger paid the validators whose reviews decided a contribution's score by consensus. Recorded in the same
/// stream and transaction as the contribution's <see cref="ContributionRewarded"/> (<c>ledger/credits/{contributionId}</c>,
/// which starts once), so a score replayed or delivered twice pays nobody twice; absent when there is nothing to pay
/// (a fallback or duplicate score has no reviews, or the policy's validator share is 0). History only; recorded by the
/// reward-ledger service.
/// </summary>
/// <remarks>
/// pool = floor(base(kind) · validatorShareBasisPoints / 10000) under the reward policy in force in the epoch (on top of the
/// contributor's credit, outside the per-address cap). Each review of <see cref="ContributionScored.Reviews"/> weighs
/// floor(reputation · agreement · 10^6) when not clipped and 0 when clipped, agreement being the review's
/// <see cref="ScoredReview.Agreement"/> (1 when absent: reviews recorded before 1.15 weighed floor(reputation · 10^6));
/// when every unclipped weight is 0, each unclipped review weighs 1. So a review pays by the weight the consensus gave it
/// and by how close it came: one at the consensus earns its full share, one just inside the clip almost nothing. A validator's share is floor(pool · weight / total weight); the base units rounding leaves (fewer than the
/// reviews) go one each to the largest remainders (pool · weight mod total weight), ties to the lower address in ordinal
/// order of its EIP-55 form. Lines add up to <paramref name="Pool"/> exactly; lines of amount 0 are left out. The lines
/// enter the claim tree of <paramref name="Epoch"/> like any credit.
/// </remarks>
/// <param name="ContributionId">The contribution whose case the validators decided.</param>
/// <param name="Epoch">The reward epoch the lines are credited to: the contribution's credit's epoch.</param>
/// <param name="PolicyVersion">Version of the reward policy that set the pool (as <see cref="ContributionRewarded.PolicyVersion"/>).</param>
/// <param name="Pool">What the validators share, token base units as a decimal string.</param>
/// <param name="TotalWeight">The sum of the reviews' weights the shares are proportional to.</param>
/// <param name="Lines">One line per paid validator, in ordinal order of address.</param>
/// <param name="CreditedAt">When the ledger recorded the pay.</param>
public sealed record ValidatorsRewarded(
    string ContributionId,
    long Epoch,
    string PolicyVersion,
    string Pool,
    long TotalWeight,
    IReadOnlyList<ValidatorReward> Lines,
    DateTimeOffset CreditedAt);
