namespace CommunityAI.ServiceDefaults.History;

/// <summary>How far a service's outbox has published, kept in the service's own schema.</summary>
public sealed record OutboxCheckpoint(string Id, long Sequence);
