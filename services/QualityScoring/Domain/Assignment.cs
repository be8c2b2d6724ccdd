namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// One validator's assignment to one contribution (id = "{contributionId}/{validator}"), open until the validator
/// reviews or the case is scored.
/// </summary>
/// <param name="CommitClosesAt">Until when the validator may commit; null for assignments stored before it was kept.</param>
/// <param name="Committed">The validator has committed, so only its reveal is left to do.</param>
public sealed record Assignment(string Id, string Validator, string ContributionId, DateTimeOffset WindowClosesAt, bool Open,
    DateTimeOffset? CommitClosesAt = null, bool Committed = false)
{
    public static string IdFor(string contributionId, string validator) => contributionId + "/" + validator;
}
