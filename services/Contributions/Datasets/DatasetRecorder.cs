using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// Records a checked snapshot in one transaction: the request's nonce is taken and <see cref="DatasetSnapshotted"/>
/// starts the snapshot's stream (the outbox publishes it). A root already recorded is not recorded again; the nonce is
/// still spent, so a replayed request is refused like any other.
/// </summary>
public sealed class DatasetRecorder(IDocumentStore store, DatasetHistory history)
{
    public abstract record Outcome
    {
        private Outcome() { }

        public sealed record Recorded(DatasetSnapshotted Event) : Outcome;

        /// <summary>The same members were already snapshotted (by this builder or another).</summary>
        public sealed record AlreadyRecorded(DatasetSnapshotted Event) : Outcome;

        public sealed record NonceTaken(string Reason) : Outcome;
    }

    public static string NonceKey(string builder, string nonce) => "dataset-snapshot:" + NonceUse.KeyFor(builder, nonce);

    public async Task<Outcome> RecordAsync(DatasetSnapshotted snapshot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var nonceKey = NonceKey(snapshot.Builder, snapshot.Nonce);
        var existing = await history.LoadAsync(snapshot.Root, ct);
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(new NonceUse(nonceKey, snapshot.Root));
            if (existing is null)
                session.Events.StartStream(DatasetHistory.StreamPrefix + snapshot.Root, snapshot);
            await session.SaveChangesAsync(ct);
            return existing is null ? new Outcome.Recorded(snapshot) : new Outcome.AlreadyRecorded(existing);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Either the nonce was spent, or a concurrent request recorded the same root first.
            await using var query = store.QuerySession();
            if (await query.LoadAsync<NonceUse>(nonceKey, ct) is null && await history.LoadAsync(snapshot.Root, ct) is { } raced)
                return new Outcome.AlreadyRecorded(raced);
            return new Outcome.NonceTaken($"nonce {snapshot.Nonce} of {snapshot.Builder} is already used by another dataset snapshot");
        }
    }
}
