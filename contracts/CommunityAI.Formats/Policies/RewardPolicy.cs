using System.Numerics;

namespace CommunityAI.Formats.Policies;

/// <summary>
/// Turns a score into token base units (18 decimals). Integer arithmetic only: an auditor must get the same amount to the
/// last unit from the policy's record in the history. Shared by the reward-ledger (which applies it) and governance (which
/// validates a proposed one), so a proposal that passes can always be applied.
/// </summary>
/// <param name="Version">Policy version; strictly greater than every earlier one.</param>
/// <param name="BasePerKind">Base amount per contribution kind in token base units; a kind not listed earns nothing.</param>
/// <param name="ZeroBelowScore">Scores below this (0–100) earn nothing.</param>
/// <param name="ScoreExponent">How steeply the reward grows with the score: 1 linear, 2 quadratic (1–4).</param>
/// <param name="CapPerAddressPerEpoch">Most an address can earn in one epoch, in token base units.</param>
/// <param name="FallbackShareBasisPoints">
/// Share (0–10000, of 10000) of the reward paid for a score the automated checks decided alone because no validator
/// consensus was reached. Zero unless a policy says otherwise: a score nobody reviewed is not evidence of quality.
/// </param>
/// <param name="UnseenContentShareBasisPoints">
/// Share (0–10000) paid for such a score when the system never saw the content (a pointer-only contribution); the
/// smaller of this and the fallback share applies. Zero unless a policy says otherwise.
/// </param>
/// <param name="ValidatorShareBasisPoints">
/// Share (0–10000) of the kind's base reward paid, on top of the contributor's credit, to the validators whose reviews
/// decided a case by consensus (see <see cref="ValidatorPoolFor"/>). Zero unless a policy says otherwise.
/// </param>
/// <param name="SlashBasisPoints">
/// What a first-round reviewer loses when a second round it did not ask for in its favour overturns its review (an audit
/// round or a reviewer's appeal; see <see cref="SlashFor"/>), in basis points of the case's validator pool (0 to
/// <see cref="MaxSlashBasisPoints"/>). Zero in a document or record without it; the genesis policy sets
/// <see cref="DefaultSlashBasisPoints"/>.
/// </param>
/// <param name="ModelGainRewardPerBasisPoint">
/// What a <c>model</c> contribution earns, in token base units, per basis point of accuracy it gained over the champion
/// when its evaluation passed the champion rule (<see cref="GainRewardFor"/>). Zero in a document or record without it,
/// and in the genesis policy: paying by measured gain is a community decision.
/// </param>
/// <param name="DatasetValidatorShareBasisPoints">
/// Share (0–10000) of each builder's payment for a dataset snapshot that goes to the validators who reviewed the
/// snapshot's members, in proportion to their review weights (see <see cref="DatasetValidatorPoolFor"/>); the
/// contributors share the rest. Zero in a document or record without it, and in the genesis policy: such payments went
/// wholly to contributors until a policy says otherwise.
/// </param>
/// <param name="DataGainRewardPerBasisPoint">
/// What the new contributions of a valued batch (a round's new <c>data</c>, or its new <c>feedback</c>) share, in token
/// base units, per basis point of accuracy the batch measurably added (<see cref="DataValueRewardsFor"/>). Zero in a
/// document or record without it, and in the genesis policy: paying by measured data value is a community decision.
/// </param>
public sealed record RewardPolicy(
    long Version,
    IReadOnlyDictionary<string, BigInteger> BasePerKind,
    int ZeroBelowScore,
    int ScoreExponent,
    BigInteger CapPerAddressPerEpoch,
    int FallbackShareBasisPoints = 0,
    int UnseenContentShareBasisPoints = 0,
    int ValidatorShareBasisPoints = 0,
    int SlashBasisPoints = 0,
    BigInteger ModelGainRewardPerBasisPoint = default,
    int DatasetValidatorShareBasisPoints = 0,
    BigInteger DataGainRewardPerBasisPoint = default)
{
    /// <summary>A share of 100%.</summary>
    public const int WholeShare = 10_000;

    /// <summary>
    /// The slash of the genesis policy: a whole case's pool for each review a second round overturns, the review game's
    /// measure (honest pay per review falls by under 1%, every dishonest strategy's falls further; README, "Review under attack").
    /// </summary>
    public const int DefaultSlashBasisPoints = 10_000;

    /// <summary>The largest slash a policy may set: five pools (a policy must not make one overturned review ruinous).</summary>
    public const int MaxSlashBasisPoints = 5 * WholeShare;

    /// <summary>
    /// The largest gain reward per basis point a policy may set: a gain of 100% (10,000 bp) must still be one uint256 amount.
    /// </summary>
    public static readonly BigInteger MaxModelGainRewardPerBasisPoint = TokenAmount.MaxUint256 / WholeShare;

    /// <summary>The kinds a contribution can have (the EIP-712 Contribution's <c>kind</c>).</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "data", "feedback", "knowledge", "model" };

    /// <summary>The genesis policy when configuration names none: nothing is paid for unreviewed scores.</summary>
    public static RewardPolicy Initial { get; } = new(1, new Dictionary<string, BigInteger>
    {
        ["data"] = 10 * TokenAmount.OneToken,
        ["feedback"] = 2 * TokenAmount.OneToken,
        ["knowledge"] = 5 * TokenAmount.OneToken,
        ["model"] = 20 * TokenAmount.OneToken,
    }, ZeroBelowScore: 20, ScoreExponent: 1, CapPerAddressPerEpoch: 1_000 * TokenAmount.OneToken, SlashBasisPoints: DefaultSlashBasisPoints);

    /// <summary>How credits name the policy (<c>ContributionRewarded.PolicyVersion</c>).</summary>
    public string Name => $"reward-{Version}";

    /// <summary>The share of the reward, in basis points, this policy pays for a score backed by <paramref name="evidence"/>.</summary>
    public int ShareFor(RewardEvidence evidence) => evidence switch
    {
        RewardEvidence.Consensus => WholeShare,
        RewardEvidence.Automated => FallbackShareBasisPoints,
        _ => Math.Min(FallbackShareBasisPoints, UnseenContentShareBasisPoints),
    };

    /// <summary>
    /// The reward for a score, capped by what the address may still earn this epoch (<paramref name="earnedThisEpoch"/>):
    /// 0 below the threshold, else min(base · s^p · share / (100^p · 10000), max(0, cap − earned)), one truncating division.
    /// </summary>
    public BigInteger RewardFor(string kind, int score, BigInteger earnedThisEpoch, RewardEvidence evidence = RewardEvidence.Consensus)
    {
        if (score < ZeroBelowScore || score <= 0 || !BasePerKind.TryGetValue(kind, out var basis))
            return BigInteger.Zero;
        var clamped = Math.Min(score, 100);
        var raw = basis * BigInteger.Pow(clamped, ScoreExponent) * ShareFor(evidence)
            / (BigInteger.Pow(100, ScoreExponent) * WholeShare);
        var room = BigInteger.Max(BigInteger.Zero, CapPerAddressPerEpoch - earnedThisEpoch);
        return BigInteger.Min(raw, room);
    }

    /// <summary>
    /// What the validators of one case decided by consensus share: floor(base(kind) · validator share / 10000), whatever
    /// the verdict or score, and regardless of the contributor's per-epoch cap. Based on the kind's base rather than on
    /// the contributor's credit, so rejecting junk pays as well as accepting good work and no validator gains by
    /// inflating scores; a kind the policy does not pay for pays its validators nothing either.
    /// </summary>
    public BigInteger ValidatorPoolFor(string kind) =>
        BasePerKind.TryGetValue(kind, out var basis) ? basis * ValidatorShareBasisPoints / WholeShare : BigInteger.Zero;

    /// <summary>
    /// The validators' part of a dataset payment of <paramref name="amount"/> base units: floor(amount · dataset validator
    /// share / 10000). The caller takes it only when the snapshot has reviewers to pay; the contributors share the rest.
    /// </summary>
    public BigInteger DatasetValidatorPoolFor(BigInteger amount) => amount * DatasetValidatorShareBasisPoints / WholeShare;

    /// <summary>
    /// What one overturned first-round review of a case of <paramref name="kind"/> costs its reviewer:
    /// floor(pool(kind) · slash / 10000). Measured in the case's pool, so it scales with what reviewing the kind pays and is
    /// nothing where validators are not paid.
    /// </summary>
    public BigInteger SlashFor(string kind) => ValidatorPoolFor(kind) * SlashBasisPoints / WholeShare;

    /// <summary>
    /// What a contributed model's measured gain earns: gain · <see cref="ModelGainRewardPerBasisPoint"/>, exact, for an
    /// evaluation that made it champion (the caller's condition: the gain passed the champion rule); nothing for a gain of
    /// 0 or less. Outside the per-address cap, like validator pay: the champion rule bounds it, and the amount then
    /// follows from the evaluation and the policy alone, in any order.
    /// </summary>
    public BigInteger GainRewardFor(int gainBasisPoints) =>
        gainBasisPoints <= 0 ? BigInteger.Zero : gainBasisPoints * ModelGainRewardPerBasisPoint;

    /// <summary>
    /// What each share of a valued batch earns: the pool gain · <see cref="DataGainRewardPerBasisPoint"/> (nothing for a
    /// gain of 0 or less, or none measured), split by examples: floor(pool · examples / total) each, then the units left
    /// over one each to the first shares in the order given (contribution-id order, as a valuation lists them), so the
    /// amounts sum to the pool exactly. Outside the per-address cap, like a model's gain: the measured gain bounds the pool.
    /// </summary>
    /// <param name="gainBasisPoints">The batch's measured gain (<c>BatchValue.GainBasisPoints</c>), null when none was measured.</param>
    /// <param name="examples">Each share's examples, every one at least 1, in the valuation's order.</param>
    public IReadOnlyList<BigInteger> DataValueRewardsFor(int? gainBasisPoints, IReadOnlyList<int> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Any(e => e <= 0))
            throw new ArgumentOutOfRangeException(nameof(examples), "every share has at least one example");
        var pool = gainBasisPoints is > 0 ? gainBasisPoints.Value * DataGainRewardPerBasisPoint : BigInteger.Zero;
        BigInteger total = examples.Sum(e => (long)e);
        if (total.IsZero)
            return [];
        var amounts = examples.Select(e => pool * e / total).ToArray();
        var left = pool - amounts.Aggregate(BigInteger.Zero, (sum, a) => sum + a);
        // Fewer units are left than there are shares (each floor dropped under one unit).
        for (var i = 0; left > 0; i++, left--)
            amounts[i] += 1;
        return amounts;
    }
}
