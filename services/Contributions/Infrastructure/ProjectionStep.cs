using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>Where a projector stands after one step, and how many history events it applied.</summary>
public sealed record ProjectionStep(FeedCursor Cursor, ContributionViewCheckpoint Checkpoint, int Applied);
