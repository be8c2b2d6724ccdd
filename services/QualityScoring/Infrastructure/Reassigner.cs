using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Epochs;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Replaces reviewers who will not review (rule in <see cref="ReviewerReassigned"/>), under the case's lock: the absent
/// ones when the commit window closes (called by the window closer, inside its transaction), and a removed validator's
/// unrevealed assignments as soon as the removal is recorded (called by <see cref="RemovalFollower"/>).
/// </summary>
public sealed partial class Reassigner(
    IDocumentStore store, ScoringPolicyBook policies, CaseFinaliser finaliser, IOptions<ScoringOptions> options, IOptions<EpochOptions> epochs,
    TimeProvider clock, ILogger<Reassigner> logger)
{
    /// <summary>
    /// For a case whose commit window has closed, held under its lock: replaces each reviewer with no commitment, in
    /// one more round if rounds are left. Returns the case as reassigned, or null when nobody was replaced.
    /// </summary>
    public async Task<ScoringCase?> ReplaceAbsentAsync(IDocumentSession session, ScoringCase @case, DateTimeOffset now, CancellationToken ct)
    {
        var absent = @case.Uncommitted.Order(StringComparer.Ordinal).ToList();
        if (absent.Count == 0 || @case.ReassignmentRound >= options.Value.ReassignmentRounds || @case.Assignment?.Seed is null)
            return null;
        var epoch = EpochAt(now);
        var excludeAt = await ExclusionPointsAsync(@case, ct);
        var validators = await ReadValidatorsAsync(session, epoch, @case.Contributor, excludeAt, ct);
        var round = @case.ReassignmentRound + 1;
        var replaced = @case;
        List<ReviewerReassigned> events = [];
        foreach (var validator in absent)
        {
            if (Reassignment.Replace(replaced, validator, Reassignment.Absent, round, validators,
                    now - options.Value.LivenessWindow, options.Value.CommitWindow, now, options.Value.MaxReviewsPerValidatorPerEpoch) is not { } reassigned)
                break;
            replaced = replaced.Apply(reassigned);
            events.Add(reassigned);
            if (epoch is { } counted)
                validators = ReviewLoads.Count(session, counted, [reassigned.Replacement.Validator], validators);
        }
        if (events.Count == 0)
            return null;
        Record(session, replaced, events);
        return replaced;
    }

    /// <summary>
    /// Hands on each open assignment of a removed validator that it has not revealed: one it has not committed to while the
    /// commit window is open (after that the window closer replaces it as absent), and one it committed to at any time
    /// before the reveal deadline, since a removed validator's reveal is refused and the case would otherwise wait for it
    /// until that deadline. The forfeited commitment stays on the case and costs its validator reputation at the close, as
    /// any commitment never revealed does. With nobody left to draw, an uncommitted reviewer stays absent (replaced at the
    /// commit deadline if anybody is by then); a committed one's commitment is forfeited all the same, and the case closes
    /// as soon as nothing else is awaited: at once, when the other reviewers have revealed.
    /// </summary>
    public async Task<int> HandOnAsync(string validator, CancellationToken ct)
    {
        IReadOnlyList<string> open;
        await using (var query = store.QuerySession())
            open = await query.Query<Assignment>().Where(a => a.Validator == validator && a.Open).Select(a => a.ContributionId).ToListAsync(ct);
        var handedOn = 0;
        List<string> forfeited = [];
        foreach (var id in open)
        {
            var epoch = EpochAt(clock.GetUtcNow());
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            // The validator's lock after the case's, as a reveal takes them: a re-admission voted meanwhile is then either
            // seen here (and nothing is handed on) or recorded after the hand-on, never between the read and the write.
            var read = new LockedRead(session).Lock([ScoringLocks.Case(id), ScoringLocks.Validator(validator)]);
            var loaded = read.Load<ScoringCase>(id);
            var admission = read.Load<ValidatorAdmission>(validator);
            await read.ExecuteAsync(ct);
            if (await admission is { Admitted: true })
                break; // re-admitted: nothing more is handed on, and what was forfeited before still closes below
            var now = clock.GetUtcNow();
            if (await loaded is not { Scored: null } @case || !@case.IsAssigned(validator) || @case.HasRevealed(validator) || @case.HasForfeited(validator)
                || (@case.CommitmentBy(validator) is null ? @case.CommitClosed || now >= @case.CommitClosesAt : now >= @case.Assignment!.WindowClosesAt))
                continue;
            var validators = await ReadValidatorsAsync(session, epoch, @case.Contributor, await ExclusionPointsAsync(@case, ct), ct);
            if (Reassignment.Replace(@case, validator, Reassignment.Removed, @case.ReassignmentRound, validators,
                    now - options.Value.LivenessWindow, options.Value.CommitWindow, now, options.Value.MaxReviewsPerValidatorPerEpoch) is not { } reassigned)
            {
                if (@case.CommitmentBy(validator) is null)
                    continue; // it stays absent, and is replaced at the commit deadline if anybody is by then
                Forfeit(session, @case, validator);
                await session.SaveChangesAsync(ct);
                forfeited.Add(id);
                continue;
            }
            if (epoch is { } counted)
                ReviewLoads.Count(session, counted, [reassigned.Replacement.Validator], validators);
            Record(session, @case.Apply(reassigned), [reassigned]);
            await session.SaveChangesAsync(ct);
            handedOn++;
        }
        foreach (var id in forfeited)
            await CloseIfCompleteAsync(id, ct);
        return handedOn;
    }

    /// <summary>
    /// The case stops waiting for the removed reviewer's reveal, which would be refused; its assignment closes. The
    /// commitment stays on the case, so the close moves the reviewer as unrevealed.
    /// </summary>
    private void Forfeit(IDocumentSession session, ScoringCase @case, string validator)
    {
        var assignment = @case.Assignment!;
        session.Store(@case.Forfeit(validator));
        session.Store(new Assignment(Assignment.IdFor(@case.Id, validator), validator, @case.Id, assignment.WindowClosesAt, false,
            @case.CommitClosesAt, Committed: true));
        LogForfeited(@case.Id, validator);
    }

    /// <summary>
    /// Closes a case whose forfeited commitment was all it waited for. In a transaction of its own, which takes the
    /// reviewers' locks after the case's alone, as every close does: the hand-on held the removed validator's lock too,
    /// and taking the others' after it could wait in a cycle with a close of another case.
    /// </summary>
    private async Task CloseIfCompleteAsync(string id, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var read = new LockedRead(session).Lock([ScoringLocks.Case(id)]);
        var loaded = read.Load<ScoringCase>(id);
        await read.ExecuteAsync(ct);
        var now = clock.GetUtcNow();
        if (await loaded is not { } @case || !@case.Complete(now))
            return;
        var scored = await finaliser.FinaliseAsync(session, @case, now, ct);
        await session.SaveChangesAsync(ct);
        LogClosedAfterForfeit(id, scored.Score, scored.Fallback ?? "consensus");
    }

    /// <summary>The epoch replacements count in, or null when no cap is set.</summary>
    private long? EpochAt(DateTimeOffset now) => options.Value.MaxReviewsPerValidatorPerEpoch > 0 ? epochs.Value.EpochAt(now) : null;

    /// <summary>The lean past which the case's policy no longer draws a validator for its contributor (0 for none).</summary>
    private async Task<int> ExclusionPointsAsync(ScoringCase @case, CancellationToken ct) =>
        @case.Assignment is { } assignment ? (await policies.GetAsync(assignment.PolicyVersion, ct)).LeanExclusionPoints ?? LeanExclusion.None : LeanExclusion.None;

    /// <summary>
    /// The validators to draw from, without those who favour the contributor when the rule is on (under the contributor's lean
    /// lock, shared); with a cap, under the workload lock. Both are taken after the case's, as every draw does.
    /// </summary>
    private static async Task<IReadOnlyList<ReviewerSelection.Validator>> ReadValidatorsAsync(IDocumentSession session, long? epoch,
        string contributor, int excludeAt, CancellationToken ct)
    {
        var read = new LockedRead(session).Lock([
            .. excludeAt > 0 ? [TransactionLock.Shared(ScoringLocks.Lean(contributor))] : Array.Empty<TransactionLock>(),
            .. epoch is null ? Array.Empty<TransactionLock>() : [TransactionLock.Exclusive(ScoringLocks.Workload)]]);
        var selectable = read.Query(SelectableValidators.Command(read, epoch), SelectableValidators.ReadAsync);
        var leans = excludeAt > 0 ? read.LoadWhere<ReviewerLean>("contributor", contributor.ToLowerInvariant()) : Task.FromResult<IReadOnlyList<ReviewerLean>>([]);
        await read.ExecuteAsync(ct);
        return [.. LeanExclusion.Drawable(await selectable, LeanExclusion.Excluded(await leans, excludeAt))];
    }

    /// <summary>The reassignments, the case, and the assignments as they now stand (replaced ones closed, deadlines moved).</summary>
    private void Record(IDocumentSession session, ScoringCase @case, IReadOnlyList<ReviewerReassigned> events)
    {
        var assignment = @case.Assignment!;
        foreach (var reassigned in events)
        {
            session.Events.Append(ContributionIntakeWriter.StreamFor(@case.Id), reassigned);
            session.Store(new Assignment(Assignment.IdFor(@case.Id, reassigned.Replaced), reassigned.Replaced, @case.Id, reassigned.ReassignedAt, false));
            LogReassigned(@case.Id, reassigned.Replaced, reassigned.Replacement.Validator, reassigned.Reason);
        }
        foreach (var reviewer in assignment.Reviewers)
            session.Store(new Assignment(Assignment.IdFor(@case.Id, reviewer.Validator), reviewer.Validator, @case.Id,
                assignment.WindowClosesAt, !@case.HasRevealed(reviewer.Validator), @case.CommitClosesAt,
                @case.CommitmentBy(reviewer.Validator) is not null));
        session.Store(@case);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reviewer {Replaced} of {ContributionId} replaced by {Replacement} ({Reason})")]
    private partial void LogReassigned(string contributionId, string replaced, string replacement, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Removed reviewer {Validator} of {ContributionId} has nobody to replace it: its commitment is forfeited and the case no longer waits for it")]
    private partial void LogForfeited(string contributionId, string validator);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ContributionId} closed once its forfeited commitment was all it waited for: score {Score} by {Rule}")]
    private partial void LogClosedAfterForfeit(string contributionId, int score, string rule);
}
