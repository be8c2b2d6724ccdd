using CommunityAI.ServiceDefaults.Background;
using Marten;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Serialises the two consumers that decide "anchored": one sets log indexes, the other the anchored size, and each
/// reads what the other wrote. Without the lock, an index committed while an anchor's update ran would be missed by
/// both (neither sees the other's uncommitted row), and the contribution would never show as anchored.
/// </summary>
internal static class AnchoringLock
{
    /// <summary>Begins the session's transaction and takes the lock for its duration.</summary>
    public static async Task TakeAsync(IDocumentSession session, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await AdvisoryLock.TakeAsync(session.Connection!, ["contributions:anchoring"], ct);
    }
}
