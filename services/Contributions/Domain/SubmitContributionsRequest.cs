namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Body of POST /api/contributions/batch: up to <see cref="IntakeOptions.MaxBatchItems"/> signed contributions, each
/// exactly a body of POST /api/contributions. An object rather than a bare array, so the batch can grow fields of its own.
/// </summary>
public sealed record SubmitContributionsRequest
{
    /// <summary>The signed contributions, answered one by one in this order.</summary>
    public IReadOnlyList<SubmitContributionRequest?>? Contributions { get; init; }
}
