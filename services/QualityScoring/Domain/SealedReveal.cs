using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A reveal that matched its commitment, held in scoring's own schema (id = "{contributionId}/{validator}") and never
/// served until its case closes; then it becomes the <see cref="ReviewSubmitted"/> history event. Holding it keeps every
/// score out of the history, the log, the bus and the API while others could still copy it.
/// </summary>
public sealed record SealedReveal(string Id, ReviewSubmitted Review)
{
    public static string IdFor(string contributionId, string validator) => contributionId + "/" + validator.ToLowerInvariant();
}
