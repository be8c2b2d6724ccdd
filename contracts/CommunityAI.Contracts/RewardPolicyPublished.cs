namespace CommunityAI.Contracts;

/// <summary>
/// A reward policy came into force. Recorded by the reward-ledger in stream <c>ledger/policies</c>; every later
/// <see cref="ContributionRewarded"/> names the version it was computed with, so an auditor can recompute each amount.
/// </summary>
/// <remarks>
/// Reward for a contribution of kind k with score s (0–100), credited to an address that already earned e in the epoch:
/// 0 when s &lt; <paramref name="ZeroBelowScore"/>, otherwise min(base(k) · s^p / 100^p, max(0, cap − e)) with
/// p = <paramref name="ScoreExponent"/>, in integer arithmetic (division truncates).
/// </remarks>
/// <param name="Version">Policy version; strictly greater than every earlier one.</param>
/// <param name="BasePerKind">Base amount per contribution kind (data, feedback, knowledge, model) in token base units (18 decimals), as decimal strings. A kind not listed earns nothing.</param>
/// <param name="ZeroBelowScore">Scores below this (0–100) earn nothing.</param>
/// <param name="ScoreExponent">How steeply the reward grows with the score: 1 linear, 2 quadratic (1–4).</param>
/// <param name="CapPerAddressPerEpoch">Most an address can earn in one epoch, in token base units, as a decimal string.</param>
/// <param name="PublishedAt">When the policy came into force.</param>
public sealed record RewardPolicyPublished(
    long Version,
    IReadOnlyDictionary<string, string> BasePerKind,
    int ZeroBelowScore,
    int ScoreExponent,
    string CapPerAddressPerEpoch,
    DateTimeOffset PublishedAt);
