using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>How the ledger writes a policy into the history (<see cref="RewardPolicyPublished"/>) and reads it back.</summary>
public static class RewardPolicyRecord
{
    public static RewardPolicyPublished ToEvent(this RewardPolicy policy, DateTimeOffset publishedAt, long effectiveFromEpoch = 0, string? proposalId = null) => new(
        policy.Version,
        policy.BasePerKind.ToDictionary(kv => kv.Key, kv => TokenAmount.Format(kv.Value), StringComparer.Ordinal),
        policy.ZeroBelowScore, policy.ScoreExponent, TokenAmount.Format(policy.CapPerAddressPerEpoch), publishedAt,
        policy.FallbackShareBasisPoints, policy.UnseenContentShareBasisPoints, proposalId, effectiveFromEpoch, policy.ValidatorShareBasisPoints,
        policy.SlashBasisPoints, TokenAmount.Format(policy.ModelGainRewardPerBasisPoint), policy.DatasetValidatorShareBasisPoints,
        TokenAmount.Format(policy.DataGainRewardPerBasisPoint));

    /// <summary>A policy from the history; it was validated before it was recorded.</summary>
    public static RewardPolicy FromEvent(RewardPolicyPublished published) => new(
        published.Version,
        published.BasePerKind.ToDictionary(kv => kv.Key, kv => TokenAmount.Parse(kv.Value), StringComparer.Ordinal),
        published.ZeroBelowScore, published.ScoreExponent, TokenAmount.Parse(published.CapPerAddressPerEpoch),
        published.FallbackShareBasisPoints, published.UnseenContentShareBasisPoints, published.ValidatorShareBasisPoints,
        published.SlashBasisPoints,
        // Absent on records made before the member existed: those policies paid nothing for gains.
        published.ModelGainRewardPerBasisPoint is { } gain ? TokenAmount.Parse(gain) : 0,
        published.DatasetValidatorShareBasisPoints,
        published.DataGainRewardPerBasisPoint is { } dataGain ? TokenAmount.Parse(dataGain) : 0);
}
