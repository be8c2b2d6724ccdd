namespace CommunityAI.QualityScoring.Domain;

/// <summary>The first contribution seen with a content hash (id = content hash): later ones are exact duplicates of it.</summary>
public sealed record ContentFirstSeen(string Id, string ContributionId);
