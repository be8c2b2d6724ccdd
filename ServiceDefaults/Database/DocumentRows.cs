using Marten;
using Marten.Schema;
using JasperFx;
using JasperFx.MultiTenancy;

namespace CommunityAI.ServiceDefaults.Database;

/// <summary>
/// Writes many Marten documents of one type as ONE statement queued in a session, committing with the rest of its
/// transaction: the rows Marten itself would write (the store's serializer, its type column, a new version), read back
/// by Marten as any other document.
/// </summary>
/// <remarks>
/// Marten queues one statement per document, and each document a session queues is compared with every one queued
/// before it (its unit of work replaces an earlier operation on the same document): a thousand-item batch that writes
/// two documents per item spent more CPU on those comparisons than on its statements (measured in the intake
/// benchmark; the README's performance section). Only plain documents are written here: a type with soft deletes,
/// tenancy, optimistic concurrency, revisions, duplicated fields or subclasses has columns of its own and is refused.
/// </remarks>
public static class DocumentRows
{
    /// <summary>Inserts the documents; any id already stored fails the whole transaction (a unique violation).</summary>
    public static Task InsertAsync<T>(IDocumentSession session, IReadOnlyCollection<T> documents, Func<T, string> idOf, CancellationToken ct) where T : notnull =>
        QueueAsync(session, documents, idOf, onConflict: "", ct);

    /// <summary>Inserts the documents, replacing whole any stored under the same id; the ids must be distinct.</summary>
    public static Task UpsertAsync<T>(IDocumentSession session, IReadOnlyCollection<T> documents, Func<T, string> idOf, CancellationToken ct) where T : notnull =>
        QueueAsync(session, documents, idOf, onConflict: """
            ON CONFLICT (id) DO UPDATE SET data = excluded.data, mt_version = excluded.mt_version,
                mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified
            """, ct);

    private static async Task QueueAsync<T>(IDocumentSession session, IReadOnlyCollection<T> documents, Func<T, string> idOf, string onConflict,
        CancellationToken ct) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(idOf);
        if (documents.Count == 0)
            return;
        var ids = documents.Select(idOf).ToArray();
        // One statement cannot write a row twice; Marten's own Store would have kept the last, silently.
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Length)
            throw new ArgumentException($"The {typeof(T).Name} documents to write hold an id more than once.", nameof(documents));
        var table = TableOf<T>(session);
        // As Marten's own first write of a type does: the table is created when the store may create it (a rebuild
        // after the views were dropped). Marten checks each type once per store.
        await session.Database.EnsureStorageExistsAsync(typeof(T), ct);
        var serializer = session.DocumentStore.Options.Serializer();
        var data = documents.Select(d => serializer.ToJson(d)).ToArray();
        // mt_version and mt_last_modified take their column defaults, a new version and the transaction's time, as Marten's own writes do.
        session.QueueSqlCommand($"""
            INSERT INTO {table} (id, data, mt_dotnet_type)
            SELECT r.id, r.data::jsonb, ? FROM unnest(?::text[], ?::text[]) AS r(id, data)
            {onConflict}
            """, typeof(T).FullName!, ids, data);
    }

    private static string TableOf<T>(IDocumentSession session)
    {
        if (session.DocumentStore.Options.FindOrResolveDocumentType(typeof(T)) is not DocumentMapping mapping
            || mapping.DocumentType != typeof(T) || mapping.SubClasses.Any()
            || mapping.DeleteStyle != DeleteStyle.Remove || mapping.TenancyStyle != TenancyStyle.Single
            || mapping.UseOptimisticConcurrency || mapping.UseNumericRevisions || mapping.DuplicatedFields.Count > 0)
            throw new NotSupportedException($"{typeof(T).Name} is not a plain document: its rows have columns of their own, so Marten writes them.");
        return mapping.TableName.QualifiedName;
    }
}
