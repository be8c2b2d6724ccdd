using System.ComponentModel.DataAnnotations;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.ServiceDefaults.Epochs;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Settings of section <c>Scoring</c>: the genesis scoring policy, recorded as <see cref="ScoringPolicyPublished"/> at the
/// first start only (the signing domain is the one <c>Chain</c> setting, not here). Later changes come from passed
/// <c>scoring-policy</c> proposals; a changed setting here changes nothing.
/// </summary>
public sealed class ScoringOptions : IValidatableObject
{
    public const string Section = "Scoring";

    private const long MaxExactInteger = (1L << 53) - 1;

    [Required, RegularExpression("^[a-z0-9][a-z0-9.-]{0,62}$")]
    public string PolicyVersion { get; set; } = "scoring-1";

    [Range(0, 100)] public int AutomatedWeight { get; set; } = 30;
    [Range(1, 64)] public int ReviewersPerContribution { get; set; } = 3;
    [Range(1, 64)] public int Quorum { get; set; } = 2;
    public TimeSpan ReviewWindow { get; set; } = TimeSpan.FromHours(24);
    [Range(0, 100)] public int ClipDistance { get; set; } = 20;
    [Range(typeof(decimal), "0", "1")] public decimal ReputationStart { get; set; } = 0.5m;
    [Range(typeof(decimal), "0.000001", "1")] public decimal ReputationFloor { get; set; } = 0.05m;
    [Range(typeof(decimal), "0", "1")] public decimal ReputationRate { get; set; } = 0.2m;
    [Range(0.0, 1.0)] public double NearDuplicateThreshold { get; set; } = 0.8;
    [Range(1, 32)] public int ShingleLength { get; set; } = 5;
    [Range(1, 1024)] public int MinHashFunctions { get; set; } = 128;
    [Range(1, 1024)] public int LshBands { get; set; } = 16;
    [Range(1, 100_000)] public int MinTextLength { get; set; } = 32;

    /// <summary>
    /// Share of consensus-scored cases, in basis points, that get an audit round (<see cref="AuditDraw"/>). The default is
    /// the review game's measure: the smallest share at which no dishonest strategy out-earns honest work (README, "Review
    /// under attack").
    /// </summary>
    [Range(0, 10_000)] public int AuditBasisPoints { get; set; } = ScoringPolicyDraft.DefaultAuditBasisPoints;

    /// <summary>
    /// The lean, in score points, of one reviewer toward or against one contributor at which that contributor's case gets an
    /// audit round whatever the draw (<see cref="LeanAudit"/>); 0 for none, the default (see
    /// <see cref="ScoringPolicyDraft.DefaultLeanAuditPoints"/> for why).
    /// </summary>
    [Range(0, 100)] public int LeanAuditPoints { get; set; } = ScoringPolicyDraft.DefaultLeanAuditPoints;

    /// <summary>
    /// The lean above the consensus, in score points, at which a validator is no longer drawn for one contributor's cases
    /// (<see cref="LeanExclusion"/>); 0 for none. The default is the review game's measure.
    /// </summary>
    [Range(0, 100)] public int LeanExclusionPoints { get; set; } = ScoringPolicyDraft.DefaultLeanExclusionPoints;

    /// <summary>
    /// How long after assignment commitments are accepted; reveals are accepted until <see cref="ReviewWindow"/> ends. Not
    /// part of the published policy: each case records its own commit deadline (<see cref="ReviewersAssigned.CommitClosesAt"/>).
    /// </summary>
    public TimeSpan CommitWindow { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long an assignment round lasts before its secret is revealed (see <see cref="AssignmentSeedCommitted"/>).</summary>
    public TimeSpan SeedRound { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A validator registered or committed within this span is live, and preferred for assignment.</summary>
    public TimeSpan LivenessWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// The validators admitted from the start, recorded once at the first start (<see cref="GenesisValidatorsRecorded"/>);
    /// later only passed <c>validator-admission</c> and <c>validator-removal</c> proposals change who is admitted.
    /// </summary>
    public List<string> GenesisValidators { get; set; } = [];

    /// <summary>
    /// How many times a case's absent reviewers (no commitment when the commit window closed) are replaced by validators
    /// drawn from the case's seed, each time with a commit window of its own; 0 never replaces them.
    /// </summary>
    [Range(0, 16)] public int ReassignmentRounds { get; set; } = 2;

    /// <summary>
    /// A validator at the policy's reputation floor after this many consecutive consensus rounds is removed; 0 never.
    /// Recorded with the genesis validators (<see cref="GenesisValidatorsRecorded.RemovalAfterFloorRounds"/>), so a later
    /// change of this setting changes nothing.
    /// </summary>
    [Range(0, 10_000)] public int RemovalAfterFloorRounds { get; set; } = 10;

    /// <summary>
    /// Most cases one validator is drawn for in one epoch (the ledger's epochs, <see cref="EpochOptions"/>), replacements
    /// included; 0 for no cap. A validator at its cap is left out of the candidates until the next epoch. While a cap is set,
    /// drawing reviewers is serial (one lock), so the count is exact.
    /// </summary>
    [Range(0, 1_000_000)] public int MaxReviewsPerValidatorPerEpoch { get; set; }

    /// <summary>How long after its score a contributor may appeal it (<see cref="AppealFiled"/>).</summary>
    public TimeSpan AppealWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Validators drawn for an appeal's second round. Larger than a first round's panel by default, so that the decision that
    /// overrides it rests on more independent reviews; a majority of those drawn is its quorum.
    /// </summary>
    [Range(1, 64)] public int AppealReviewers { get; set; } = 5;

    /// <summary>Appeals one signer may file per <see cref="AppealQuotaWindow"/> (counted after the signature check, across replicas).</summary>
    [Range(1, 1_000_000)] public int AppealsPerSigner { get; set; } = 10;

    public TimeSpan AppealQuotaWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the closer looks for review windows that ended.</summary>
    public TimeSpan CloserInterval { get; set; } = TimeSpan.FromSeconds(1);

    public Dictionary<string, KindRule> Kinds { get; set; } = new(StringComparer.Ordinal)
    {
        ["data"] = new(MaxBytes: 10 * 1024 * 1024, MinTextLength: 0, RequireContentAddressed: false),
        ["feedback"] = new(MaxBytes: 64 * 1024, MinTextLength: 10, RequireContentAddressed: false),
        ["knowledge"] = new(MaxBytes: 1024 * 1024, MinTextLength: 50, RequireContentAddressed: false),
        ["model"] = new(MaxBytes: null, MinTextLength: 0, RequireContentAddressed: true),
    };

    public ScoringPolicyPublished ToPolicy(DateTimeOffset now) => new(
        PolicyVersion, AutomatedWeight, ReviewersPerContribution, Quorum, ReviewWindow, ClipDistance,
        ReputationStart, ReputationFloor, ReputationRate, NearDuplicateThreshold, ShingleLength, MinHashFunctions, LshBands,
        MinTextLength, new SortedDictionary<string, KindRule>(Kinds, StringComparer.Ordinal), now, AuditBasisPoints, LeanAuditPoints, LeanExclusionPoints);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinHashFunctions % LshBands != 0)
            yield return new("LshBands must divide MinHashFunctions", [nameof(LshBands)]);
        if (ReputationStart < ReputationFloor)
            yield return new("ReputationStart must be at least ReputationFloor", [nameof(ReputationStart)]);
        if (ReviewWindow <= TimeSpan.Zero)
            yield return new("ReviewWindow must be positive", [nameof(ReviewWindow)]);
        if (CommitWindow <= TimeSpan.Zero || CommitWindow >= ReviewWindow)
            yield return new("CommitWindow must be positive and shorter than ReviewWindow (the reveals need time of their own)", [nameof(CommitWindow)]);
        if (SeedRound <= TimeSpan.Zero)
            yield return new("SeedRound must be positive", [nameof(SeedRound)]);
        if (LivenessWindow <= TimeSpan.Zero)
            yield return new("LivenessWindow must be positive", [nameof(LivenessWindow)]);
        if (CloserInterval <= TimeSpan.Zero)
            yield return new("CloserInterval must be positive", [nameof(CloserInterval)]);
        // The policy is a history event, and canonical JSON (RFC 8785) holds integers exactly only within ±2^53.
        foreach (var (kind, rule) in Kinds)
            if (rule.MaxBytes is < 0 or > MaxExactInteger || rule.MinTextLength < 0)
                yield return new($"Kinds:{kind}: MaxBytes must be between 0 and 2^53 - 1 (or absent for no limit), MinTextLength at least 0", [nameof(Kinds)]);
        foreach (var validator in GenesisValidators)
            if (!Formats.Signing.Address.IsValid(validator))
                yield return new($"GenesisValidators: {validator} is not a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)", [nameof(GenesisValidators)]);
        if (Quorum > ReviewersPerContribution)
            yield return new("Quorum must not exceed ReviewersPerContribution", [nameof(Quorum)]);
    }
}
