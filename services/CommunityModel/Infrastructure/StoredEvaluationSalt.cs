namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// An evaluation period's secret salt, kept in the service's own schema (readable by the service's database role only,
/// never in the history, the log or an API answer) from its commitment until and after its reveal, so a restart in
/// between loses nothing: the next round reveals what a stopped one left unrevealed. Id: the period, as text.
/// </summary>
public sealed record StoredEvaluationSalt(string Id, long Period, string Salt, string Commitment, DateTimeOffset CommittedAt, bool Revealed);
