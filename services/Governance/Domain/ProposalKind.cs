namespace CommunityAI.Governance.Domain;

/// <summary>What a proposal may change: the signed <c>Proposal.kind</c>, one of these strings exactly.</summary>
public static class ProposalKind
{
    public const string ScoringPolicy = "scoring-policy";
    public const string RewardPolicy = "reward-policy";
    public const string GovernanceParameters = "governance-parameters";
    public const string ValidatorAdmission = "validator-admission";
    public const string ValidatorRemoval = "validator-removal";
    public const string ContributionInvalidation = Formats.Policies.ContributionInvalidation.Kind;
    public const string DatasetBuilderAdmission = "dataset-builder-admission";
    public const string DatasetBuilderRemoval = "dataset-builder-removal";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        ScoringPolicy, RewardPolicy, GovernanceParameters, ValidatorAdmission, ValidatorRemoval,
        ContributionInvalidation, DatasetBuilderAdmission, DatasetBuilderRemoval,
    };

    /// <summary>Kinds that change how tokens are earned, which need the higher quorum.</summary>
    public static bool ChangesRewards(string kind) => kind is RewardPolicy or ScoringPolicy;
}
