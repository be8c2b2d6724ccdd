using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Accepts a signed review once, from an assigned validator, inside the window; anything else is refused and changes
/// nothing. The case's lock makes the checks and the append one decision; the last expected review finalises the
/// case in the same transaction.
/// </summary>
public sealed class ReviewDesk(IDocumentStore store, CaseFinaliser finaliser, TimeProvider clock)
{
    /// <summary>What became of a review.</summary>
    public abstract record Outcome
    {
        /// <summary>Recorded now; <see cref="Scored"/> is set when it completed the case.</summary>
        public sealed record Accepted(ReviewSubmitted Review, ContributionScored? Scored) : Outcome;
        /// <summary>The very same signed review was recorded before: nothing changed.</summary>
        public sealed record AlreadyAccepted(ReviewSubmitted Review) : Outcome;
        /// <summary>Refused: HTTP status, title, the field at fault and the rule it broke.</summary>
        public sealed record Refused(int Status, string Title, string Field, string Detail) : Outcome;
    }

    public async Task<Outcome> SubmitAsync(ReviewPayload review, string signature, CancellationToken ct)
    {
        var id = review.ContributionId.ToLowerInvariant();
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var byCase = new LockedRead(session).Lock([ScoringLocks.Case(id)]);
        var loaded = byCase.Load<ScoringCase>(id);
        // Validators are never removed, so whether one is registered needs no lock of its own.
        var registered = byCase.Exists<ValidatorView>(review.Validator);
        await byCase.ExecuteAsync(ct);
        var @case = await loaded;
        if (@case is null)
            return new Outcome.Refused(StatusCodes.Status404NotFound, "Unknown contribution", "contributionId",
                "no contribution with this id has reached scoring");
        if (string.Equals(@case.Contributor, review.Validator, StringComparison.OrdinalIgnoreCase))
            return new Outcome.Refused(StatusCodes.Status403Forbidden, "Self-review", "validator",
                "a contributor cannot review their own contribution");
        if (!await registered)
            return new Outcome.Refused(StatusCodes.Status403Forbidden, "Not a validator", "validator",
                "the validator is not registered; register with POST /api/validators first");
        if (!@case.IsAssigned(review.Validator))
            return new Outcome.Refused(StatusCodes.Status403Forbidden, "Not assigned", "validator",
                "the validator is not assigned to review this contribution");
        if (@case.ReviewBy(review.Validator) is { } earlier)
            return string.Equals(earlier.Signature, signature, StringComparison.OrdinalIgnoreCase)
                ? new Outcome.AlreadyAccepted(earlier)
                : new Outcome.Refused(StatusCodes.Status409Conflict, "Already reviewed", "validator",
                    "the validator has already reviewed this contribution; a review cannot be changed");
        var now = clock.GetUtcNow();
        if (@case.Scored is not null || now >= @case.Assignment!.WindowClosesAt)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Review window closed", "contributionId",
                $"reviews for this contribution were accepted until {@case.Assignment!.WindowClosesAt:O}");

        // Validator locks serialise nonces and reputations across contributions. They are taken in one sorted step after
        // the case lock, so no two transactions wait on each other in a cycle: the reviewer's own lock, and when this
        // review completes the case, every reviewer's, so finalising below needs no further lock. The views are read
        // under those locks.
        var submitted = new ReviewSubmitted(id, review.Validator, review.Score, review.Verdict,
            review.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)review.Deadline, signature.ToLowerInvariant(), now, review.Salt);
        var assignment = @case.Assignment;
        @case = @case.Apply(submitted);
        IReadOnlyList<string> locked = @case.AllReviewed ? assignment.Reviewers.Select(r => r.Validator).ToList() : [review.Validator];
        var byValidators = new LockedRead(session).Lock(locked.Select(ScoringLocks.Validator));
        var nonce = UsedNonce.IdFor(review.Validator, review.Nonce);
        var nonceUsed = byValidators.Exists<UsedNonce>(nonce);
        var loadedViews = byValidators.LoadMany<ValidatorView>(locked);
        await byValidators.ExecuteAsync(ct);
        if (await nonceUsed)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Nonce already used", "nonce",
                "the validator has already used this nonce");

        session.Insert(new UsedNonce(nonce));
        session.Events.Append(ContributionIntakeWriter.StreamFor(id), submitted);
        var views = (await loadedViews).ToDictionary(v => v.Id, StringComparer.OrdinalIgnoreCase);
        var reviewer = views[review.Validator].Apply(submitted);
        views[reviewer.Id] = reviewer;
        session.Store(new Assignment(Assignment.IdFor(id, review.Validator), review.Validator, id, assignment.WindowClosesAt, false));
        ContributionScored? scored = null;
        IReadOnlyList<ValidatorView> moved = [];
        if (@case.AllReviewed)
            (scored, moved) = await finaliser.FinaliseAsync(session, @case, views, now, ct);
        else
            session.Store(@case);
        // Each changed view once: a reviewer whose review completed the case keeps both its count and its reputation move.
        foreach (var view in moved)
            session.Store(view);
        if (!moved.Any(v => string.Equals(v.Id, reviewer.Id, StringComparison.OrdinalIgnoreCase)))
            session.Store(reviewer);
        await session.SaveChangesAsync(ct);
        return new Outcome.Accepted(submitted, scored);
    }
}
