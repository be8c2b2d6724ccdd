namespace CommunityAI.Contracts;

/// <summary>
/// A reward policy is on record. Recorded by the reward-ledger in stream <c>ledger/policies</c>: once for the genesis policy
/// (from configuration, at first start), then once for each <c>reward-policy</c> <see cref="PolicyActivated"/> in governance's
/// streams, from the epoch after the one in which the ledger took it up. Every <see cref="ContributionRewarded"/> names the
/// version it was computed with: the newest policy whose <paramref name="EffectiveFromEpoch"/> is at or below the credit's epoch.
/// </summary>
/// <remarks>
/// Reward for a contribution of kind k with score s (0–100), credited to an address that already earned e in the epoch:
/// 0 when s &lt; <paramref name="ZeroBelowScore"/>, otherwise min(base(k) · s^p · share / (100^p · 10000), max(0, cap − e)) with
/// p = <paramref name="ScoreExponent"/>, in integer arithmetic (one division, truncating). The share is 10000 for a score
/// validators decided (or a duplicate refused outright), <paramref name="FallbackShareBasisPoints"/> for a fallback score
/// (<see cref="ContributionScored.Fallback"/> set), and min(fallback, <paramref name="UnseenContentShareBasisPoints"/>) for a
/// fallback score of a contribution whose content the system never saw (<see cref="ContributionSubmitted.ContentSize"/> null).
/// On top of that credit, the validators of a case decided by consensus share floor(base(k) · <paramref name="ValidatorShareBasisPoints"/> / 10000)
/// (see <see cref="ValidatorsRewarded"/>). A <c>model</c> contribution whose evaluation made it champion
/// (<see cref="ModelContributionEvaluated.BecameChampion"/>) also earns gain · <paramref name="ModelGainRewardPerBasisPoint"/>
/// (see <see cref="ModelGainRewarded"/>). The new contributions of a round's batch whose measured gain was positive
/// (<see cref="DataValued"/>) share gain · <paramref name="DataGainRewardPerBasisPoint"/> by their examples (see
/// <see cref="DataValueRewarded"/>). A first-round reviewer whose review an audit round or a reviewer's appeal
/// overturns loses floor(pool · <paramref name="SlashBasisPoints"/> / 10000) in that appeal's settlement (see <see cref="AppealSettled.Slashes"/>).
/// Of a builder's payment for a dataset snapshot, floor(amount · <paramref name="DatasetValidatorShareBasisPoints"/> / 10000)
/// goes to the validators who reviewed the snapshot's members, when it has any (see <see cref="RevenueSplit"/>).
/// </remarks>
/// <param name="Version">Policy version; strictly greater than every earlier one.</param>
/// <param name="BasePerKind">Base amount per contribution kind (data, feedback, knowledge, model) in token base units (18 decimals), as decimal strings. A kind not listed earns nothing.</param>
/// <param name="ZeroBelowScore">Scores below this (0–100) earn nothing.</param>
/// <param name="ScoreExponent">How steeply the reward grows with the score: 1 linear, 2 quadratic (1–4).</param>
/// <param name="CapPerAddressPerEpoch">Most an address can earn in one epoch, in token base units, as a decimal string.</param>
/// <param name="PublishedAt">When the ledger recorded the policy.</param>
/// <param name="FallbackShareBasisPoints">Share of the reward (0–10000) paid for a fallback score; absent on older records, meaning 0. Optional (added in 1.4).</param>
/// <param name="UnseenContentShareBasisPoints">Share (0–10000) paid for a fallback score of content never seen; absent meaning 0. Optional (added in 1.4).</param>
/// <param name="ProposalId">The governance proposal whose <see cref="PolicyActivated"/> this policy applies; null for the genesis policy. Optional (added in 1.4).</param>
/// <param name="EffectiveFromEpoch">The first epoch whose credits use this policy (0 for the genesis policy). Optional (added in 1.4).</param>
/// <param name="ValidatorShareBasisPoints">Share (0–10000) of the kind's base reward that the validators of a case decided by consensus share, on top of the contributor's credit; absent on older records, meaning 0. Optional (added in 1.4).</param>
/// <param name="SlashBasisPoints">What each overturned first-round review costs its reviewer, in basis points (0–50000) of the case's validator pool; absent on older records, meaning 0. Optional (added in 1.8).</param>
/// <param name="ModelGainRewardPerBasisPoint">Token base units, as a decimal string, a contributed model earns per basis point of accuracy gained over the champion when its evaluation made it champion; at most (2^256 − 1) / 10000; absent on older records, meaning 0. Optional (added in 1.10).</param>
/// <param name="DatasetValidatorShareBasisPoints">Share (0–10000) of each dataset payment that goes to the validators who reviewed the snapshot's members (see <see cref="RevenueSplit"/>); absent on older records, meaning 0. Optional (added in 1.16).</param>
/// <param name="DataGainRewardPerBasisPoint">Token base units, as a decimal string, that the new contributions of a valued batch share per basis point of its measured gain (see <see cref="DataValueRewarded"/>); at most (2^256 − 1) / 10000; absent on older records, meaning 0. Optional (added in 1.18).</param>
public sealed record RewardPolicyPublished(
    long Version,
    IReadOnlyDictionary<string, string> BasePerKind,
    int ZeroBelowScore,
    int ScoreExponent,
    string CapPerAddressPerEpoch,
    DateTimeOffset PublishedAt,
    int FallbackShareBasisPoints = 0,
    int UnseenContentShareBasisPoints = 0,
    string? ProposalId = null,
    long EffectiveFromEpoch = 0,
    int ValidatorShareBasisPoints = 0,
    int SlashBasisPoints = 0,
    string? ModelGainRewardPerBasisPoint = null,
    int DatasetValidatorShareBasisPoints = 0,
    string? DataGainRewardPerBasisPoint = null);
