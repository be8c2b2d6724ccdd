using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Closes a case inside the caller's transaction, which already holds the case's lock: publishes the held reveals as
/// <see cref="ReviewSubmitted"/> events (the first moment any score of the case enters the history), then the score, the
/// reputation moves (under the reviewers' locks, in sorted order), the removal of a reviewer left at the reputation floor
/// too long, and the read models, all with the history events; and when the policy's draw picks a case scored by its
/// first round's consensus, its audit round (<see cref="AuditOpener"/>) in the same transaction.
/// </summary>
public sealed class CaseFinaliser(ScoringPolicyBook policies, AdmissionBook admissions, AuditOpener audits)
{
    public static string ValidatorStream(string address) => Extensions.StreamPrefix + "validators/" + address;

    /// <summary>
    /// The validators whose views a close may move: every committer, reviewers of cases from before commit-reveal, and in an
    /// appeal round the first round's reviewers, measured against the appeal's consensus.
    /// </summary>
    public static IReadOnlyList<string> Reviewers(ScoringCase @case) =>
        @case.Committed.Select(c => c.Validator).Concat(@case.Reviews.Select(r => r.Validator))
            .Concat(@case.InAppealRound ? @case.First!.Reviews.Select(r => r.Validator) : [])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Takes the reviewers' locks and reads their views and the held reveals (one round trip), then closes the case.</summary>
    public async Task<ContributionScored> FinaliseAsync(IDocumentSession session, ScoringCase @case, DateTimeOffset now, CancellationToken ct)
    {
        var reviewers = Reviewers(@case);
        var read = new LockedRead(session).Lock(reviewers.Select(ScoringLocks.Validator));
        var loaded = read.LoadMany<ValidatorView>(reviewers);
        var reveals = read.LoadMany<SealedReveal>(reviewers.Select(v => SealedReveal.IdFor(@case.Id, v)));
        await read.ExecuteAsync(ct);
        var views = (await loaded).ToDictionary(v => v.Id, StringComparer.OrdinalIgnoreCase);
        var (scored, moved) = await FinaliseAsync(session, @case, await reveals, views, now, ct);
        foreach (var view in moved)
            session.Store(view);
        return scored;
    }

    /// <summary>
    /// For a caller that holds the reviewers' locks and read their <paramref name="views"/> and the case's held
    /// <paramref name="reveals"/> under them, with its own changes applied: records the reviews, the score, the
    /// reputation events, the case and the assignments, and returns every view that moved for the caller to store.
    /// </summary>
    public async Task<(ContributionScored Scored, IReadOnlyList<ValidatorView> Moved)> FinaliseAsync(
        IDocumentSession session, ScoringCase @case, IReadOnlyList<SealedReveal> reveals, IReadOnlyDictionary<string, ValidatorView> views,
        DateTimeOffset now, CancellationToken ct)
    {
        var assignment = @case.Assignment ?? throw new InvalidOperationException($"case {@case.Id} has no reviewers");
        var policy = await policies.GetAsync(assignment.PolicyVersion, ct);
        var changed = views.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        var stream = ContributionIntakeWriter.StreamFor(@case.Id);
        foreach (var reveal in reveals.OrderBy(r => r.Review.Validator, StringComparer.Ordinal))
        {
            session.Events.Append(stream, reveal.Review);
            @case = @case.Apply(reveal.Review);
            changed[reveal.Review.Validator] = changed[reveal.Review.Validator].Apply(reveal.Review);
            session.Delete<SealedReveal>(reveal.Id);
        }
        var reputations = changed.ToDictionary(v => v.Key, v => v.Value.Reputation, StringComparer.OrdinalIgnoreCase);
        ContributionScored final;
        IReadOnlyList<ReputationChanged> moves;
        if (@case.InAppealRound)
        {
            // The appeal's decision, not a second ContributionScored: the first score was credited once and stays in the
            // history; the ledger adjusts by the difference.
            (var decided, moves) = AppealDecision.Decide(@case, policy, reputations, now);
            session.Events.Append(stream, decided);
            @case = @case.Apply(decided);
            final = @case.Scored!;
        }
        else
        {
            var outcome = ScoreDecision.Finalise(@case, policy, reputations, now);
            session.Events.Append(stream, outcome.Scored);
            @case = await audits.OpenIfDrawnAsync(session, @case.Apply(outcome.Scored), outcome.Scored, policy, now, ct);
            (final, moves) = (outcome.Scored, outcome.Reputation);
        }
        session.Store(@case);
        foreach (var change in moves)
        {
            session.Events.Append(ValidatorStream(change.Validator), change);
            changed[change.Validator] = changed[change.Validator].Apply(change, policy.ReputationFloor);
        }
        foreach (var change in moves)
            await admissions.RemoveIfAtFloorAsync(session, changed[change.Validator], now, ct);
        // A reviewer who revealed closed its own assignment with its reveal (this very document); only the others are left.
        foreach (var reviewer in assignment.Reviewers.Where(r => !@case.HasRevealed(r.Validator)))
            session.Store(new Assignment(Assignment.IdFor(@case.Id, reviewer.Validator), reviewer.Validator, @case.Id, assignment.WindowClosesAt, false));
        var moved = changed.Values.Where(v => !views.TryGetValue(v.Id, out var before) || before != v).ToList();
        return (final, moved);
    }
}
