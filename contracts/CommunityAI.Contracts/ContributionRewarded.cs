namespace CommunityAI.Contracts;

/// <summary>The ledger credited a contributor for a scored contribution. Published by the reward-ledger service.</summary>
/// <param name="ContributionId">The contribution's id (0x-hex EIP-712 digest).</param>
/// <param name="Contributor">The credited EIP-55 address.</param>
/// <param name="Amount">Credited amount in token base units (18 decimals) as a decimal string.</param>
/// <param name="Epoch">The reward epoch the credit belongs to.</param>
/// <param name="PolicyVersion">Version of the reward policy that set the amount.</param>
/// <param name="CreditedAt">When the credit was recorded.</param>
public sealed record ContributionRewarded(
    string ContributionId,
    string Contributor,
    string Amount,
    long Epoch,
    string PolicyVersion,
    DateTimeOffset CreditedAt);
