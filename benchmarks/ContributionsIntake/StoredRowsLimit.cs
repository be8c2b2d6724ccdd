using System.Diagnostics;
using System.Security.Cryptography;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// A second limit for bulk intake: every row an accepted contribution stores, written the cheapest way we know, in the
/// service's own schema (its history table with the unique event-id index every service keeps, its document tables and
/// their indexes, the content table) on a database of its own. Per batch, one transaction: the events, the nonce claims
/// and the first views as a statement each (as the service writes them), and content rows of the sealed size. No HTTP,
/// JSON request, signature, sealing, outbox, handoff or projector: what is left of intake when only the store's work is.
/// </summary>
/// <remarks>
/// The raw append limit (<see cref="RawAppendLimit"/>) writes the events alone into a history table with one index
/// fewer; an accepted contribution writes four rows and their indexes. Both are printed: the first is the issue's, this
/// one says how close the service comes to its own store.
/// </remarks>
public static class StoredRowsLimit
{
    public static async Task<double> MeasureAsync(int writers, int count, int perSession, int sealedContentBytes)
    {
        var database = await PostgresServer.CreateDatabaseAsync("bench-rows");
        try
        {
            using var store = DocumentStore.For(options =>
            {
                options.Connection(database);
                HistoryStoreExtensions.ConfigureHistory(options, ContributionsStore.Schema);
                ContributionsStore.Configure(options);
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

            var ciphertext = RandomNumberGenerator.GetBytes(sealedContentBytes);
            var wrappedKey = RandomNumberGenerator.GetBytes(60); // a 32-byte data key sealed with AES-GCM's nonce and tag
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
            {
                int batch;
                while ((batch = Interlocked.Increment(ref next)) * perSession < count)
                {
                    var events = Enumerable.Range(batch * perSession, Math.Min(perSession, count - batch * perSession)).Select(Presigned.Event).ToArray();
                    await using var session = store.LightweightSession();
                    foreach (var submitted in events)
                        session.Events.StartStream(ContributionAppender.StreamPrefix + submitted.ContributionId, submitted);
                    await DocumentRows.InsertAsync(session, [.. events.Select(e => new NonceUse(NonceUse.KeyFor(e.Contributor, e.Nonce), e.ContributionId))],
                        n => n.Id, CancellationToken.None);
                    // The service's own statement, with bytes of the sealed size in place of sealing.
                    ContentStore.QueueRows(session, [.. events.Select(e => new ContentStore.SealedRow(
                        e.ContributionId, e.Contributor, e.Licence!, "bench", wrappedKey, ciphertext, e.SubmittedAt))]);
                    await DocumentRows.UpsertAsync(session, [.. events.Select(e => ContributionViewProjection.Create(e, logIndex: null))],
                        v => v.Id, CancellationToken.None);
                    await session.SaveChangesAsync();
                }
            }));
            return count / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }
}
