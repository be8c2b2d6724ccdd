using System.Globalization;
using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Accepts sealed reviews (commitments) inside the commit window and their reveals until the reveal window closes, once
/// each, from assigned validators; anything else is refused and changes nothing. A commitment is public at once; a reveal
/// is held privately until the case closes, so no score can be copied. The case's lock makes the checks and the writes
/// one decision; the reveal that leaves nothing to wait for closes the case in the same transaction.
/// </summary>
public sealed class ReviewDesk(IDocumentStore store, CaseFinaliser finaliser, TimeProvider clock)
{
    /// <summary>What became of a commitment or a reveal.</summary>
    public abstract record Outcome
    {
        /// <summary>Commitment recorded now.</summary>
        public sealed record Committed(ReviewCommitted Commitment) : Outcome;
        /// <summary>Reveal accepted and held; <see cref="Scored"/> is set when it completed the case.</summary>
        public sealed record Revealed(ReviewSubmitted Review, ContributionScored? Scored) : Outcome;
        /// <summary>The very same signed commitment or reveal was accepted before: nothing changed.</summary>
        public sealed record AlreadyAccepted(DateTimeOffset At) : Outcome;
        /// <summary>Refused: HTTP status, title, the field at fault and the rule it broke.</summary>
        public sealed record Refused(int Status, string Title, string Field, string Detail) : Outcome;
    }

    public async Task<Outcome> CommitAsync(ReviewCommitPayload commit, string signature, CancellationToken ct)
    {
        var id = commit.ContributionId.ToLowerInvariant();
        var nonce = UsedNonce.IdFor(commit.Validator, commit.Nonce, UsedNonce.Commit);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var (loaded, refused) = await LoadCaseAsync(session, id, commit.Validator, nonce, ct);
        if (refused is not null)
            return refused;
        var @case = loaded!.Case;
        if (@case.CommitmentBy(commit.Validator) is { } earlier)
            return string.Equals(earlier.Signature, signature, StringComparison.OrdinalIgnoreCase)
                ? new Outcome.AlreadyAccepted(earlier.CommittedAt)
                : new Outcome.Refused(StatusCodes.Status409Conflict, "Already committed", "validator",
                    "the validator has already committed a review of this contribution; a commitment cannot be changed");
        var now = clock.GetUtcNow();
        if (@case.Scored is not null || @case.CommitClosed || now >= @case.CommitClosesAt)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Commit window closed", "contributionId",
                $"commitments for this contribution were accepted until {@case.CommitClosesAt:O}");
        if (loaded.NonceUsed)
            return NonceUsed(UsedNonce.Commit);

        var committed = new ReviewCommitted(id, commit.Validator, commit.Commitment.ToLowerInvariant(),
            commit.Nonce.ToString(CultureInfo.InvariantCulture), (long)commit.Deadline, signature.ToLowerInvariant(), now);
        session.Insert(new UsedNonce(nonce));
        session.Events.Append(ContributionIntakeWriter.StreamFor(id), committed);
        session.Store(@case.Apply(committed));
        session.Store(new Assignment(Assignment.IdFor(id, commit.Validator), commit.Validator, id, @case.Assignment!.WindowClosesAt, true,
            @case.CommitClosesAt, Committed: true));
        // The view is rewritten at most once a minute; only then is the validator's lock taken, so that a close moving the
        // reputation meanwhile is not overwritten. Every other commitment holds no lock but its case's.
        if (loaded.View.SeenAgain(now) && await SeenAgainUnderLockAsync(session, commit.Validator, now, ct) is { } seen)
            session.Store(seen.Apply(committed));
        return await SaveOnceAsync(session, new Outcome.Committed(committed), UsedNonce.Commit, ct);
    }

    public async Task<Outcome> RevealAsync(ReviewPayload review, string signature, CancellationToken ct)
    {
        var id = review.ContributionId.ToLowerInvariant();
        var nonce = UsedNonce.IdFor(review.Validator, review.Nonce);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var (loaded, refused) = await LoadCaseAsync(session, id, review.Validator, nonce, ct);
        if (refused is not null)
            return refused;
        var @case = loaded!.Case;
        if (@case.CommitmentBy(review.Validator) is not { } commitment)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Not committed", "validator",
                "the validator has no commitment for this contribution; send a signed ReviewCommit in the commit window first");
        var now = clock.GetUtcNow();
        if (@case.HasRevealed(review.Validator))
        {
            // Held or already published: either way compare with what was accepted, without serving its score.
            var held = await session.LoadAsync<SealedReveal>(SealedReveal.IdFor(id, review.Validator), ct);
            var earlier = held?.Review ?? @case.Reviews.FirstOrDefault(r => string.Equals(r.Validator, review.Validator, StringComparison.OrdinalIgnoreCase));
            return earlier is not null && string.Equals(earlier.Signature, signature, StringComparison.OrdinalIgnoreCase)
                ? new Outcome.AlreadyAccepted(earlier.ReceivedAt)
                : new Outcome.Refused(StatusCodes.Status409Conflict, "Already revealed", "validator",
                    "the validator has already revealed its review of this contribution; a review cannot be changed");
        }
        if (@case.Scored is not null || now >= @case.Assignment!.WindowClosesAt)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Review window closed", "contributionId",
                $"reveals for this contribution were accepted until {@case.Assignment!.WindowClosesAt:O}");
        var opened = ReviewCommitment.Compute(review.Score, review.Verdict, review.Salt);
        if (!string.Equals(opened, commitment.Commitment, StringComparison.OrdinalIgnoreCase))
            return new Outcome.Refused(StatusCodes.Status422UnprocessableEntity, "Reveal does not match commitment", "commitment",
                $"keccak256(abi.encode(score, verdict, salt)) of this reveal is {opened}; the validator committed {commitment.Commitment}");

        if (loaded.NonceUsed)
            return NonceUsed(UsedNonce.Review);

        var submitted = new ReviewSubmitted(id, review.Validator, review.Score, review.Verdict,
            review.Nonce.ToString(CultureInfo.InvariantCulture), (long)review.Deadline, signature.ToLowerInvariant(), now, review.Salt);
        var sealedReveal = new SealedReveal(SealedReveal.IdFor(id, review.Validator), submitted);
        @case = @case.RevealHeld(review.Validator);
        session.Insert(new UsedNonce(nonce));
        session.Store(new Assignment(Assignment.IdFor(id, review.Validator), review.Validator, id, @case.Assignment!.WindowClosesAt, false));
        ContributionScored? scored = null;
        if (@case.Complete(now))
        {
            // Closing moves every reviewer's reputation, so it takes every reviewer's lock, in one sorted step after the case
            // lock: no two transactions wait on each other in a cycle. A reveal that closes nothing takes no validator lock.
            var reviewers = CaseFinaliser.Reviewers(@case);
            var byValidators = new LockedRead(session).Lock(reviewers.Select(ScoringLocks.Validator));
            var views = byValidators.LoadMany<ValidatorView>(reviewers);
            var others = byValidators.LoadMany<SealedReveal>(reviewers
                .Where(v => !string.Equals(v, review.Validator, StringComparison.OrdinalIgnoreCase)).Select(v => SealedReveal.IdFor(id, v)));
            await byValidators.ExecuteAsync(ct);
            IReadOnlyList<SealedReveal> reveals = [.. await others, sealedReveal];
            (scored, var moved) = await finaliser.FinaliseAsync(session, @case,
                reveals, (await views).ToDictionary(v => v.Id, StringComparer.OrdinalIgnoreCase), now, ct);
            foreach (var view in moved)
                session.Store(view);
        }
        else
        {
            session.Insert(sealedReveal);
            session.Store(@case);
        }
        return await SaveOnceAsync(session, new Outcome.Revealed(submitted, scored), UsedNonce.Review, ct);
    }

    /// <summary>The validator's view under its lock, when a commitment at <paramref name="now"/> still moves it.</summary>
    private static async Task<ValidatorView?> SeenAgainUnderLockAsync(IDocumentSession session, string validator, DateTimeOffset now, CancellationToken ct)
    {
        var byValidator = new LockedRead(session).Lock([ScoringLocks.Validator(validator)]);
        var view = byValidator.Load<ValidatorView>(validator);
        await byValidator.ExecuteAsync(ct);
        return await view is { } seen && seen.SeenAgain(now) ? seen : null;
    }

    /// <summary>
    /// Commits the decision and answers <paramref name="accepted"/>, or answers the nonce's reuse: two requests of one
    /// validator under one nonce for different contributions hold different case locks and both read the nonce as free;
    /// the nonce's primary key lets one commit and fails the other's whole transaction, so nothing of it is stored. Only
    /// the nonce's duplicate means that: a reveal also inserts its <see cref="SealedReveal"/>.
    /// </summary>
    private static async Task<Outcome> SaveOnceAsync(IDocumentSession session, Outcome accepted, string signedType, CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
            return accepted;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate<UsedNonce>(ex))
        {
            return NonceUsed(signedType);
        }
    }

    private static Outcome.Refused NonceUsed(string signedType) => new(StatusCodes.Status409Conflict, "Nonce already used", "nonce",
        $"the validator has already used this nonce for a {signedType}");

    /// <summary>A case read under its lock, with the requester's view and whether the request's nonce was used before.</summary>
    private sealed record LoadedCase(ScoringCase Case, ValidatorView View, bool NonceUsed);

    /// <summary>The case under its lock, or the refusal every commitment and reveal shares.</summary>
    private static async Task<(LoadedCase? Loaded, Outcome.Refused? Refused)> LoadCaseAsync(
        IDocumentSession session, string id, string validator, string nonce, CancellationToken ct)
    {
        var byCase = new LockedRead(session).Lock([ScoringLocks.Case(id)]);
        var loaded = byCase.Load<ScoringCase>(id);
        var registered = byCase.Load<ValidatorView>(validator);
        // Read without the validator's lock: a removal recorded concurrently is followed by its hand-on under this case's
        // lock (RemovalFollower), which replaces the validator unless its reveal got in first; a commitment alone is forfeited.
        var admission = byCase.Load<ValidatorAdmission>(validator);
        var nonceUsed = byCase.Exists<UsedNonce>(nonce);
        await byCase.ExecuteAsync(ct);
        var @case = await loaded;
        if (@case is null)
            return (null, new(StatusCodes.Status404NotFound, "Unknown contribution", "contributionId",
                "no contribution with this id has reached scoring"));
        if (string.Equals(@case.Contributor, validator, StringComparison.OrdinalIgnoreCase))
            return (null, new(StatusCodes.Status403Forbidden, "Self-review", "validator",
                "a contributor cannot review their own contribution"));
        if (await registered is not { } view)
            return (null, new(StatusCodes.Status403Forbidden, "Not a validator", "validator",
                "the validator is not registered; register with POST /api/validators first"));
        if (await admission is not { Admitted: true })
            return (null, new(StatusCodes.Status403Forbidden, "Not admitted", "validator",
                "the validator is not admitted (it was removed by a passed validator-removal proposal)"));
        if (!@case.IsAssigned(validator))
            return (null, new(StatusCodes.Status403Forbidden, "Not assigned", "validator",
                "the validator is not assigned to review this contribution"));
        return (new(@case, view, await nonceUsed), null);
    }
}
