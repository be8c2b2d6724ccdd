using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Appends an accepted contribution: the event, the nonce claim and the view's first state in one transaction, so the
/// primary keys of the stream and of <see cref="NonceUse"/> decide races between replicas. Shared by HTTP and bus intake.
/// Inline or uploaded content goes to the encrypted <see cref="ContentStore"/> in the same transaction, never into the event.
/// </summary>
public sealed class ContributionAppender(IDocumentStore store, ContentStore contents, UploadStore uploads)
{
    public const string StreamPrefix = "contributions/";
    public const string RejectionStreamPrefix = "contributions/rejections/";

    public async Task<AppendOutcome> AppendAsync(ContributionSubmitted submitted, byte[]? content, CancellationToken ct)
    {
        var nonceKey = NonceUse.KeyFor(submitted.Contributor, submitted.Nonce);
        try
        {
            await using var session = store.LightweightSession();
            Stage(session, submitted, content, nonceKey);
            await session.SaveChangesAsync(ct);
            return new AppendOutcome.Stored(submitted.ContributionId);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return await ConflictAsync(submitted, nonceKey, ct);
        }
    }

    /// <summary>
    /// Appends a contribution whose content was uploaded in parts: in one transaction the upload is locked, checked
    /// (its signer, its content hash, every part, the whole's SHA-256 and salt line) and streamed into the content
    /// store, the contribution stored as <see cref="AppendAsync"/> stores inline content, and the upload's parts and key
    /// deleted. A refusal changes nothing; a retry of the same signed contribution is answered as already stored.
    /// </summary>
    public async Task<AppendOutcome> AppendUploadedAsync(ContributionSubmitted submitted, string uploadId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var nonceKey = NonceUse.KeyFor(submitted.Contributor, submitted.Nonce);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var completion = await uploads.CompleteAsync(session.Connection!, uploadId, submitted, now, ct);
            if (completion is UploadStore.Completion.Stored(var size))
            {
                // The content is in the store already, in this transaction; the rest commits with it.
                Stage(session, submitted with { ContentSize = size }, content: null, nonceKey);
                UploadStore.QueueCompletion(session, uploadId, submitted.ContributionId);
                await session.SaveChangesAsync(ct);
                return new AppendOutcome.Stored(submitted.ContributionId);
            }
            if (completion is UploadStore.Completion.Refused refused)
            {
                // A swept tombstone cannot say that this very contribution completed the upload; its nonce can (a late retry).
                var late = refused.Status == StatusCodes.Status404NotFound
                    && (await session.LoadAsync<NonceUse>(nonceKey, ct))?.ContributionId == submitted.ContributionId;
                if (!late)
                    return new AppendOutcome.UploadRefused(submitted.ContributionId, refused.Status, refused.Title, refused.Field, refused.Detail);
            }
            // Completed before by this same contribution: answered as the resubmission it is.
            return await ConflictAsync(submitted, nonceKey, ct);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex) || StoreConflicts.IsUniqueViolation(ex))
        {
            // The same signed contribution stored before (inline, or its content row first): answered as a resubmission.
            return await ConflictAsync(submitted, nonceKey, ct);
        }
    }

    /// <summary>What one submission writes: the event, the nonce claim, the sealed content and the view's first state.</summary>
    private void Stage(IDocumentSession session, ContributionSubmitted submitted, byte[]? content, string nonceKey)
    {
        session.Events.StartStream(StreamPrefix + submitted.ContributionId, submitted);
        session.Insert(new NonceUse(nonceKey, submitted.ContributionId));
        if (content is not null)
            contents.Add(session, submitted, content);
        // The view's first state, with its event, so the contribution reads at once; the projector writes the
        // same Create again with the log index once it reaches the event (a rebuild needs only the history).
        session.Store(ContributionViewProjection.Create(submitted, logIndex: null));
    }

    /// <summary>Someone stored this nonce first: the same signed contribution is idempotent, anything else is a conflict.</summary>
    private async Task<AppendOutcome> ConflictAsync(ContributionSubmitted submitted, string nonceKey, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var taken = await query.LoadAsync<NonceUse>(nonceKey, ct);
        if (taken?.ContributionId == submitted.ContributionId)
        {
            var view = await query.LoadAsync<ContributionView>(submitted.ContributionId, ct);
            return new AppendOutcome.AlreadyStored(submitted.ContributionId, view?.Status ?? ContributionStatus.Submitted);
        }
        return NonceTakenBy(submitted);
    }

    /// <summary>
    /// Appends a batch of accepted contributions in ONE transaction, each with what <see cref="AppendAsync"/> writes (event,
    /// nonce claim, sealed content, first view), and answers each as <see cref="AppendAsync"/> would: stored, already
    /// stored (the same signed contribution, a replay) or nonce taken (by another contribution). The nonces are looked
    /// up first, so a batch holding replays still commits the rest; when a concurrent request takes one between the look
    /// and the commit, the transaction fails whole and the batch is looked at again. Any other failure throws and
    /// nothing of the batch is stored. The items' nonces must be distinct (the caller settles repeats within a batch).
    /// </summary>
    public async Task<AppendOutcome[]> AppendManyAsync(IReadOnlyList<(ContributionSubmitted Submitted, byte[]? Content)> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var outcomes = new AppendOutcome[items.Count];
            if (items.Count == 0)
                return outcomes;
            await using var session = store.LightweightSession();
            var keys = items.Select(item => NonceUse.KeyFor(item.Submitted.Contributor, item.Submitted.Nonce)).ToArray();
            var taken = (await session.LoadManyAsync<NonceUse>(ct, keys)).ToDictionary(n => n.Id, n => n.ContributionId, StringComparer.Ordinal);
            var replayed = items.Where((item, i) => taken.GetValueOrDefault(keys[i]) == item.Submitted.ContributionId)
                .Select(item => item.Submitted.ContributionId).ToArray();
            var statuses = replayed.Length == 0
                ? new Dictionary<string, string>()
                : (await session.LoadManyAsync<ContributionView>(ct, replayed)).ToDictionary(v => v.Id, v => v.Status, StringComparer.Ordinal);

            var toSeal = new List<(ContributionSubmitted, byte[])>();
            var claims = new List<NonceUse>(items.Count);
            var views = new List<ContributionView>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var (submitted, content) = items[i];
                if (taken.TryGetValue(keys[i], out var holder))
                {
                    outcomes[i] = holder == submitted.ContributionId
                        ? new AppendOutcome.AlreadyStored(submitted.ContributionId, statuses.GetValueOrDefault(holder) ?? ContributionStatus.Submitted)
                        : NonceTakenBy(submitted);
                    continue;
                }
                session.Events.StartStream(StreamPrefix + submitted.ContributionId, submitted);
                claims.Add(new NonceUse(keys[i], submitted.ContributionId));
                if (content is not null)
                    toSeal.Add((submitted, content));
                views.Add(ContributionViewProjection.Create(submitted, logIndex: null));
                outcomes[i] = new AppendOutcome.Stored(submitted.ContributionId);
            }
            // The batch's nonce claims, contents and first views as a statement each, not a thousand.
            await DocumentRows.InsertAsync(session, claims, n => n.Id, ct);
            contents.AddMany(session, toSeal);
            await DocumentRows.UpsertAsync(session, views, v => v.Id, ct);
            try
            {
                await session.SaveChangesAsync(ct);
                return outcomes;
            }
            catch (Exception ex) when ((StoreConflicts.IsDuplicate(ex) || StoreConflicts.IsUniqueViolation(ex)) && attempt < attempts)
            {
                // A concurrent request stored one of these first (its stream, nonce or content row, whichever the store
                // reached first): nothing of this attempt was committed; look again.
            }
        }
    }

    /// <summary>The answer to a contribution whose nonce another contribution of the same signer holds.</summary>
    public static AppendOutcome.NonceTaken NonceTakenBy(ContributionSubmitted submitted) =>
        new(submitted.ContributionId, $"nonce {submitted.Nonce} of {submitted.Contributor} is already used by another contribution");

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

    /// <summary>
    /// Records the refused items of a partner's batch in one transaction; a redelivery of the same message records
    /// nothing new (each key is its own stream, so when one exists the rest are recorded one by one).
    /// </summary>
    public async Task RejectManyAsync(IReadOnlyList<(string Key, ContributionRejected Rejected)> rejections, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rejections);
        if (rejections.Count == 0)
            return;
        try
        {
            await using var session = store.LightweightSession();
            foreach (var (key, rejected) in rejections)
                session.Events.StartStream(RejectionStreamPrefix + key, rejected);
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            foreach (var (key, rejected) in rejections)
                await RejectAsync(key, rejected, ct);
        }
    }
}
