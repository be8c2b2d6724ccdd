using Marten;
using Npgsql;

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
        await using var command = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(hashtextextended('communityai:contributions:anchoring', 0))", session.Connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
