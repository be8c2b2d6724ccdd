using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Appends an accepted contribution: the event, the nonce claim and the view's first state in one transaction, so the
/// primary keys of the stream and of <see cref="NonceUse"/> decide races between replicas. Shared by HTTP and bus intake.
/// Inline content goes to the encrypted <see cref="ContentStore"/> in the same transaction, never into the event.
/// </summary>
public sealed class ContributionAppender(IDocumentStore store, ContentStore contents)
{
    public const string StreamPrefix = "contributions/";
    public const string RejectionStreamPrefix = "contributions/rejections/";

    public async Task<AppendOutcome> AppendAsync(ContributionSubmitted submitted, byte[]? content, CancellationToken ct)
    {
        var nonceKey = NonceUse.KeyFor(submitted.Contributor, submitted.Nonce);
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(StreamPrefix + submitted.ContributionId, submitted);
            session.Insert(new NonceUse(nonceKey, submitted.ContributionId));
            if (content is not null)
                contents.Add(session, submitted, content);
            // The view's first state, with its event, so the contribution reads at once; the projector writes the
            // same Create again with the log index once it reaches the event (a rebuild needs only the history).
            session.Store(ContributionViewProjection.Create(submitted, logIndex: null));
            await session.SaveChangesAsync(ct);
            return new AppendOutcome.Stored(submitted.ContributionId);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Someone stored this nonce first: the same signed contribution is idempotent, anything else is a conflict.
            await using var query = store.QuerySession();
            var taken = await query.LoadAsync<NonceUse>(nonceKey, ct);
            if (taken?.ContributionId == submitted.ContributionId)
            {
                var view = await query.LoadAsync<ContributionView>(submitted.ContributionId, ct);
                return new AppendOutcome.AlreadyStored(submitted.ContributionId, view?.Status ?? ContributionStatus.Submitted);
            }
            return new AppendOutcome.NonceTaken(submitted.ContributionId,
                $"nonce {submitted.Nonce} of {submitted.Contributor} is already used by another contribution");
        }
    }

    /// <summary>Records a refused partner command; a redelivery of the same message records nothing new.</summary>
    public async Task RejectAsync(string key, ContributionRejected rejected, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(RejectionStreamPrefix + key, rejected);
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // already recorded by an earlier delivery of the same message
        }
    }
}
