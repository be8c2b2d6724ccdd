using JasperFx;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Idempotency is enforced by the store: starting a stream or inserting a document that already exists
/// fails the whole transaction. These are the exceptions that mean "someone stored this first".
/// </summary>
public static class StoreConflicts
{
    public static bool IsDuplicate(Exception exception) => exception is
        Marten.Exceptions.ExistingStreamIdCollisionException or
        JasperFx.Events.ExistingStreamIdCollisionException or
        DocumentAlreadyExistsException;
}
