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
        await ScoringLocks.TakeAsync(session.Connection!, [ScoringLocks.Case(id)], ct);
        var @case = await session.LoadAsync<ScoringCase>(id, ct);
        if (@case is null)
            return new Outcome.Refused(StatusCodes.Status404NotFound, "Unknown contribution", "contributionId",
                "no contribution with this id has reached scoring");
        if (string.Equals(@case.Contributor, review.Validator, StringComparison.OrdinalIgnoreCase))
            return new Outcome.Refused(StatusCodes.Status403Forbidden, "Self-review", "validator",
                "a contributor cannot review their own contribution");
        if (await session.LoadAsync<ValidatorView>(review.Validator, ct) is null)
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

        // Validator locks serialise nonces and reputations across contributions. All reviewers' locks are taken now, in
        // one sorted step after the case lock, so finalising below needs no further lock and no two transactions wait
        // on each other in a cycle.
        await ScoringLocks.TakeAsync(session.Connection!, @case.Assignment.Reviewers.Select(r => ScoringLocks.Validator(r.Validator)), ct);
        var nonce = UsedNonce.IdFor(review.Validator, review.Nonce);
        if (await session.LoadAsync<UsedNonce>(nonce, ct) is not null)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Nonce already used", "nonce",
                "the validator has already used this nonce");

        var submitted = new ReviewSubmitted(id, review.Validator, review.Score, review.Verdict,
            review.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)review.Deadline, signature.ToLowerInvariant(), now);
        session.Insert(new UsedNonce(nonce));
        session.Events.Append(ContributionIntakeWriter.StreamFor(id), submitted);
        var validator = (await session.LoadAsync<ValidatorView>(review.Validator, ct))!;
        session.Store(validator.Apply(submitted));
        session.Store(new Assignment(Assignment.IdFor(id, review.Validator), review.Validator, id, @case.Assignment.WindowClosesAt, false));
        @case = @case.Apply(submitted);
        ContributionScored? scored = null;
        if (@case.AllReviewed)
            scored = await finaliser.FinaliseAsync(session, @case, now, ct);
        else
            session.Store(@case);
        await session.SaveChangesAsync(ct);
        return new Outcome.Accepted(submitted, scored);
    }
}
