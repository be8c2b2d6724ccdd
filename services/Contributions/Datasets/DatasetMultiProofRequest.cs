namespace CommunityAI.Contributions.Datasets;

/// <summary>Body of POST /api/datasets/{root}/multiproof: the contributions to prove members of the snapshot, in any order, each once.</summary>
public sealed record DatasetMultiProofRequest
{
    /// <summary>Contribution ids, 0x-prefixed hex of 32 bytes (any case); at most <see cref="DatasetOptions.MaxMultiProofMembers"/>.</summary>
    public IReadOnlyList<string?>? ContributionIds { get; init; }
}
