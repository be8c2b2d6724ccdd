namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A contribution whose content its contributor erased (<c>ContributionErased</c> in the history): nothing derived from its
/// text may stay in or enter the near-duplicate index, since a similarity match against it would tell what it said.
/// </summary>
public sealed record ErasedContent(string Id, DateTimeOffset ErasedAt);
