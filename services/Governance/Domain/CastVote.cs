namespace CommunityAI.Governance.Domain;

/// <summary>A counted vote as the history holds it: who, which way, and when it was recorded.</summary>
public sealed record CastVote(string Voter, VoteSupport Support, DateTimeOffset CastAt);
