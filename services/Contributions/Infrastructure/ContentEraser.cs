using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Carries out a checked erasure in one transaction: the content's data key and ciphertext are deleted, the erasure's
/// nonce is taken and <see cref="ContributionErased"/> is appended to the contribution's stream (the outbox publishes
/// it). If any part fails, nothing happens.
/// </summary>
public sealed class ContentEraser(IDocumentStore store)
{
    public abstract record Outcome
    {
        private Outcome() { }

        public sealed record Erased(ContributionErased Event) : Outcome;

        /// <summary>The store holds no content for it: already erased, or never sent inline.</summary>
        public sealed record NothingStored : Outcome;

        public sealed record NonceTaken(string Reason) : Outcome;
    }

    public static string NonceKey(string contributor, string nonce) => "erasure:" + NonceUse.KeyFor(contributor, nonce);

    public async Task<Outcome> EraseAsync(ContributionErased erased, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(erased);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            if (!await ContentStore.DestroyAsync(session.Connection!, erased.ContributionId, ct))
                return new Outcome.NothingStored();
            session.Insert(new NonceUse(NonceKey(erased.Contributor, erased.Nonce), erased.ContributionId));
            session.Events.Append(ContributionAppender.StreamPrefix + erased.ContributionId, erased);
            await session.SaveChangesAsync(ct);
            return new Outcome.Erased(erased);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return new Outcome.NonceTaken($"nonce {erased.Nonce} of {erased.Contributor} is already used by another erasure");
        }
    }
}
