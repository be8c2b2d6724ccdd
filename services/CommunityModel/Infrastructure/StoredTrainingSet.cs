namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// What a model was trained on, as SHA-256 of each text (Id: its model hash), in the service's schema: the next round
/// measures it against a challenger only on held-out texts it never saw (<see cref="Domain.ChampionRule"/>).
/// </summary>
public sealed record StoredTrainingSet(string Id, IReadOnlyList<string> TextHashes);
