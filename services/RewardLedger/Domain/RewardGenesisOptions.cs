using CommunityAI.Formats.Policies;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// Section <c>Rewards:Genesis</c>: the reward policy recorded once, at the ledger's first start, before any vote. After
/// that only a passed <c>reward-policy</c> proposal changes the policy; a changed setting here is ignored (and logged).
/// </summary>
public sealed class RewardGenesisOptions
{
    public const string Section = "Rewards:Genesis";

    public long Version { get; set; } = RewardPolicy.Initial.Version;

    /// <summary>Base per kind in token base units; defaults to the built-in amounts (configuration adds or overrides kinds).</summary>
    public Dictionary<string, string> BasePerKind { get; set; } =
        RewardPolicy.Initial.BasePerKind.ToDictionary(kv => kv.Key, kv => TokenAmount.Format(kv.Value), StringComparer.Ordinal);

    public int ZeroBelowScore { get; set; } = RewardPolicy.Initial.ZeroBelowScore;
    public int ScoreExponent { get; set; } = RewardPolicy.Initial.ScoreExponent;
    public string CapPerAddressPerEpoch { get; set; } = TokenAmount.Format(RewardPolicy.Initial.CapPerAddressPerEpoch);

    /// <summary>Share paid for fallback scores, in basis points: 0 unless set, since nobody reviewed them.</summary>
    public int FallbackShareBasisPoints { get; set; }

    /// <summary>Share paid for fallback scores of content the system never saw: 0 unless set.</summary>
    public int UnseenContentShareBasisPoints { get; set; }

    /// <summary>Share of the kind's base reward that a consensus-decided case's validators share, in basis points: 0 unless set.</summary>
    public int ValidatorShareBasisPoints { get; set; }

    /// <summary>
    /// What each first-round review a second round overturns costs its reviewer, in basis points of the case's validator pool
    /// (<see cref="RewardPolicy.SlashBasisPoints"/>): the genesis default unless set; nothing while validators are unpaid.
    /// </summary>
    public int SlashBasisPoints { get; set; } = RewardPolicy.DefaultSlashBasisPoints;

    /// <summary>
    /// Token base units a contributed model earns per basis point of accuracy gained over the champion
    /// (<see cref="RewardPolicy.ModelGainRewardPerBasisPoint"/>): 0 unless set, so paying by measured gain is a vote.
    /// </summary>
    public string ModelGainRewardPerBasisPoint { get; set; } = "0";

    /// <summary>
    /// Share of each dataset payment that the validators who reviewed the snapshot's members share, in basis points
    /// (<see cref="RewardPolicy.DatasetValidatorShareBasisPoints"/>): 0 unless set, so payments go wholly to contributors.
    /// </summary>
    public int DatasetValidatorShareBasisPoints { get; set; }

    /// <summary>
    /// Token base units the new contributions of a valued batch share per basis point of its measured gain
    /// (<see cref="RewardPolicy.DataGainRewardPerBasisPoint"/>): 0 unless set, so paying by measured data value is a vote.
    /// </summary>
    public string DataGainRewardPerBasisPoint { get; set; } = "0";

    public RewardPolicyDraft ToDraft() => new(Version, BasePerKind, ZeroBelowScore, ScoreExponent, CapPerAddressPerEpoch,
        FallbackShareBasisPoints, UnseenContentShareBasisPoints, ValidatorShareBasisPoints, SlashBasisPoints,
        ModelGainRewardPerBasisPoint, DatasetValidatorShareBasisPoints, DataGainRewardPerBasisPoint);
}
