using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Uses up a signed request's nonce on its own, for requests that record nothing else (a content read, an export):
/// the primary key of <see cref="NonceUse"/> makes it single-use across replicas. Requests that record an event take
/// the nonce in that event's transaction instead.
/// </summary>
public static class NonceBook
{
    /// <returns>False when the nonce was used before (a replay).</returns>
    public static async Task<bool> TakeAsync(IDocumentStore store, string key, string subject, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(new NonceUse(key, subject));
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return false;
        }
    }
}
