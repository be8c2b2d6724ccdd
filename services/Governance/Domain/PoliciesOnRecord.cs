namespace CommunityAI.Governance.Domain;

/// <summary>
/// The reward and scoring policy versions already on record in the history (recorded by their services, or activated by a
/// proposal and not yet taken up), so a proposal that could never be applied (an old or reused version) is refused when made.
/// </summary>
/// <param name="NewestRewardVersion">The highest reward policy version on record, or null before the ledger's genesis.</param>
/// <param name="ScoringVersions">Every scoring policy version on record.</param>
public sealed record PoliciesOnRecord(long? NewestRewardVersion, IReadOnlySet<string> ScoringVersions)
{
    public static PoliciesOnRecord None { get; } = new(null, new HashSet<string>(StringComparer.Ordinal));
}
