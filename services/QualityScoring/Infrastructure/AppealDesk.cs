using System.Globalization;
using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Accepts a signed appeal of a contribution's score, once per contribution and within the appeal window, from its
/// contributor or from a validator that revealed a review in its first round and is still admitted (the one the consensus
/// clipped, above all), and starts its second round in the same transaction: <see cref="AppealFiled"/>, then the panel
/// (<see cref="AppealReviewersAssigned"/>), drawn under the case's lock from the seed round in progress (held shared, so
/// no round ends before the appeal is recorded: an auditor finds the same round from the appeal's place in the history).
/// Anything refused writes nothing.
/// </summary>
public sealed class AppealDesk(IDocumentStore store, IOptions<ScoringOptions> options, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    /// <summary>What became of an appeal.</summary>
    public abstract record Outcome
    {
        public sealed record Filed(AppealFiled Appeal, AppealReviewersAssigned Panel) : Outcome;
        /// <summary>
        /// Refused: HTTP status, title, the field at fault and the rule it broke. <paramref name="Again"/>: this very signed
        /// appeal was filed before (a replay of the one the history publishes).
        /// </summary>
        public sealed record Refused(int Status, string Title, string Field, string Detail, bool Again = false) : Outcome;
    }

    /// <param name="appealId">The EIP-712 digest of the signed appeal, 0x-hex.</param>
    public async Task<Outcome> FileAsync(AppealPayload appeal, string appealId, string signature, CancellationToken ct)
    {
        var id = appeal.ContributionId.ToLowerInvariant();
        var settings = options.Value;
        long? epoch = settings.MaxReviewsPerValidatorPerEpoch > 0 ? epochs.Value.EpochAt(clock.GetUtcNow()) : null;
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var read = new LockedRead(session).Lock([
                TransactionLock.Exclusive(ScoringLocks.Case(id)), TransactionLock.Shared(ScoringLocks.Seeds),
                .. (epoch is null ? Array.Empty<TransactionLock>() : [TransactionLock.Exclusive(ScoringLocks.Workload)])]);
            var loaded = read.Load<ScoringCase>(id);
            var nonce = UsedNonce.IdFor(appeal.Appellant, appeal.Nonce, UsedNonce.Appeal);
            var nonceUsed = read.Exists<UsedNonce>(nonce);
            var admission = read.Load<ValidatorAdmission>(appeal.Appellant);
            // Read under the case's lock, which InvalidationFollower records an invalidation under: see its remarks for an
            // invalidation that lands while this appeal is in flight.
            var invalidated = read.Load<InvalidatedContribution>(id);
            var selectable = read.Query(SelectableValidators.Command(read, epoch), SelectableValidators.ReadAsync);
            // Every reveal so far: the round in progress now, which no reveal can end before this transaction commits.
            var seedRound = read.Query(SeedBook.RoundOfCommand(read, long.MaxValue), SeedBook.ReadRoundAsync);
            await read.ExecuteAsync(ct);

            var now = clock.GetUtcNow();
            var @case = await loaded;
            var (role, refused) = Standing(@case, appeal.Appellant, await admission, await invalidated, now, settings);
            if (refused is not null)
                return @case?.Appeal?.AppealId == appealId ? refused with { Again = true } : refused;
            if (await nonceUsed)
                return NonceUsed();
            var (round, secret) = await seedRound;
            if (secret is null)
                return new Outcome.Refused(StatusCodes.Status503ServiceUnavailable, "Not ready", "contributionId",
                    $"assignment round {round} is not committed yet; try again in a moment");
            var validators = await selectable;
            if (AppealDecision.Panel(@case!, appealId, validators, settings.AppealReviewers, round, secret, now - settings.LivenessWindow,
                    settings.CommitWindow, settings.ReviewWindow, now, settings.MaxReviewsPerValidatorPerEpoch, appeal.Appellant) is not { } panel)
                return new Outcome.Refused(StatusCodes.Status409Conflict, "No reviewers for an appeal", "contributionId",
                    "no admitted validator is left who did not review this contribution already; nothing was recorded, appeal again later");

            var filed = new AppealFiled(appealId, id, appeal.Appellant, appeal.Reason, appeal.Nonce.ToString(CultureInfo.InvariantCulture),
                (long)appeal.Deadline, signature.ToLowerInvariant(), @case!.Scored!.Score, now, role);
            session.Insert(new UsedNonce(nonce));
            session.Events.Append(ContributionIntakeWriter.StreamFor(id), filed, panel);
            session.Store(@case.Apply(filed).Apply(panel));
            foreach (var reviewer in panel.Reviewers)
                session.Store(new Assignment(Assignment.IdFor(id, reviewer.Validator), reviewer.Validator, id, panel.WindowClosesAt, true, panel.CommitClosesAt));
            if (epoch is { } counted)
                ReviewLoads.Count(session, counted, panel.Reviewers.Select(r => r.Validator), validators);
            await session.SaveChangesAsync(ct);
            return new Outcome.Filed(filed, panel);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate<UsedNonce>(ex))
        {
            return NonceUsed(); // the same nonce, used by a concurrent appeal of the same signer
        }
    }

    /// <summary>
    /// The role this appellant may appeal the case in now, or why not. The contributor may; so may a validator assigned to
    /// the first round that revealed a review there and is still admitted: it has standing (its review was measured
    /// against a consensus it can see once the case closed, and a majority on the case can clip an honest minority, which
    /// the contributor of inflated junk never appeals). Any other validator has no standing: with its own daily allowance
    /// each, a party holding many validators could send every case to a five-reviewer panel, at the honest validators' cost.
    /// A reviewer that never revealed gave no review to stand on (and its commitment already costs it reputation). A
    /// contribution a passed <c>contribution-invalidation</c> proposal invalidated is appealed by nobody: its rewards are
    /// taken back and the ledger pays no contributor delta on its appeal, so a second round would only spend validators' work.
    /// </summary>
    /// <remarks>Also answers <c>GET /api/appeals/standing</c>, so a page offers the appeal by these rules and no copy of them.</remarks>
    public static (string? Role, Outcome.Refused? Refused) Standing(ScoringCase? @case, string appellant, ValidatorAdmission? admission,
        InvalidatedContribution? invalidated, DateTimeOffset now, ScoringOptions settings)
    {
        if (@case is null)
            return (null, new(StatusCodes.Status404NotFound, "Unknown contribution", "contributionId", "no contribution with this id has reached scoring"));
        var role = string.Equals(@case.Contributor, appellant, StringComparison.OrdinalIgnoreCase) ? AppealFiled.Contributor
            : @case.FirstRoundReviewers.Contains(appellant) ? AppealFiled.Reviewer : null;
        if (role is null)
            return (null, new(StatusCodes.Status403Forbidden, "Not on the case", "appellant",
                "only the contributor or a validator that reviewed this contribution's first round may appeal its score; a community concern about a contribution goes to governance as a contribution-invalidation proposal"));
        if (@case.Appeal is { AppellantRole: AppealFiled.Audit } audit)
            return (null, new(StatusCodes.Status409Conflict, "Already audited", "contributionId",
                $"this contribution was drawn for an audit round at {audit.FiledAt:O} (appeal {audit.AppealId}): its second round is that one; a contribution has one second round"));
        if (@case.Appeal is { } earlier)
            return (null, new(StatusCodes.Status409Conflict, "Already appealed", "contributionId",
                $"this contribution was appealed at {earlier.FiledAt:O} (appeal {earlier.AppealId}); a contribution is appealed once"));
        if (invalidated is not null)
            return (null, new(StatusCodes.Status409Conflict, "Invalidated", "contributionId",
                $"this contribution was invalidated by proposal {invalidated.ProposalId} at {invalidated.ActivatedAt:O}; its rewards are taken back, so its score is not appealed"));
        if (@case.Scored is not { } scored)
            return (null, new(StatusCodes.Status409Conflict, "Not scored yet", "contributionId",
                "the contribution is still under review; a score can be appealed once it is final"));
        if (@case.Assignment is null)
            return (null, new(StatusCodes.Status409Conflict, "Not appealable", "contributionId",
                "the score was decided without reviewers (an exact or near duplicate, or no validator existed); only a reviewed score can be appealed"));
        if (now > scored.ScoredAt + settings.AppealWindow)
            return (null, new(StatusCodes.Status409Conflict, "Appeal window closed", "contributionId",
                $"the score of {scored.ScoredAt:O} could be appealed until {scored.ScoredAt + settings.AppealWindow:O}"));
        if (role == AppealFiled.Reviewer && !@case.FirstRoundReviews.Any(r => string.Equals(r.Validator, appellant, StringComparison.OrdinalIgnoreCase)))
            return (null, new(StatusCodes.Status403Forbidden, "No review revealed", "appellant",
                "the validator was assigned to the first round but revealed no review there (never committed, never revealed, or replaced); only a revealed review gives standing to appeal"));
        if (role == AppealFiled.Reviewer && admission is not { Admitted: true })
            return (null, new(StatusCodes.Status403Forbidden, "Not admitted", "appellant",
                "the validator has been removed; only an admitted validator may appeal"));
        return (role, null);
    }

    private static Outcome.Refused NonceUsed() =>
        new(StatusCodes.Status409Conflict, "Nonce already used", "nonce", "the appellant has already used this nonce for an Appeal");
}
