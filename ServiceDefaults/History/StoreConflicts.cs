using JasperFx;
using Npgsql;

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
        DocumentAlreadyExistsException || IsDocumentIdTaken(exception);

    /// <summary>
    /// A <typeparamref name="TDocument"/> inserted one at a time was stored first: for a transaction that inserts more than
    /// one kind of document, where only one kind's duplicate has a meaning to answer (a used nonce).
    /// </summary>
    public static bool IsDuplicate<TDocument>(Exception exception) =>
        exception is DocumentAlreadyExistsException { DocumentType: var type } && type == typeof(TDocument);

    /// <summary>
    /// Any unique violation, whichever table's: for a transaction that also writes rows of its own beside Marten's (a
    /// content row keyed by its contribution), where a stored row means the same as a stored stream.
    /// </summary>
    public static bool IsUniqueViolation(Exception exception) => UniqueViolation(exception) is not null;

    // Documents inserted many to a statement (Database.DocumentRows) meet a stored id as PostgreSQL's unique violation
    // on the document table's primary key, which Marten names pkey_mt_doc_{type}_id, wrapped in Marten's command failure.
    private static bool IsDocumentIdTaken(Exception exception) =>
        UniqueViolation(exception)?.ConstraintName?.StartsWith("pkey_mt_doc_", StringComparison.Ordinal) == true;

    private static PostgresException? UniqueViolation(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } violation)
                return violation;
        return null;
    }
}
