namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// One validator's assignment to one contribution (id = "{contributionId}/{validator}"), open until the validator
/// reviews or the case is scored.
/// </summary>
public sealed record Assignment(string Id, string Validator, string ContributionId, DateTimeOffset WindowClosesAt, bool Open)
{
    public static string IdFor(string contributionId, string validator) => contributionId + "/" + validator;
}
