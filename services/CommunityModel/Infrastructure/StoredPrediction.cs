namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// A served prediction, kept in the service's schema (not the public history: the text is the requester's) so that
/// feedback can name it by id and say what the right label was.
/// </summary>
public sealed record StoredPrediction(string Id, string ModelHash, string Text, string Label, DateTimeOffset PredictedAt);
