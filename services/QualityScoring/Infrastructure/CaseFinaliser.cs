using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Finalises a case inside the caller's transaction, which already holds the case's lock: the score, the reviewers'
/// reputation moves (under their locks, in sorted order) and the read models, all with the history events.
/// </summary>
public sealed class CaseFinaliser(PolicyBook policies)
{
    public static string ValidatorStream(string address) => Extensions.StreamPrefix + "validators/" + address;

    /// <summary>Takes the reviewers' locks and reads their views (one round trip), then finalises and stores the views that moved.</summary>
    public async Task<ContributionScored> FinaliseAsync(IDocumentSession session, ScoringCase @case, DateTimeOffset now, CancellationToken ct)
    {
        var reviewers = @case.Reviews.Select(r => r.Validator).ToList();
        var read = new LockedRead(session).Lock(reviewers.Select(ScoringLocks.Validator));
        var loaded = read.LoadMany<ValidatorView>(reviewers);
        await read.ExecuteAsync(ct);
        var (scored, moved) = await FinaliseAsync(session, @case, (await loaded).ToDictionary(v => v.Id, StringComparer.OrdinalIgnoreCase), now, ct);
        foreach (var view in moved)
            session.Store(view);
        return scored;
    }

    /// <summary>
    /// For a caller that holds the reviewers' locks and read their <paramref name="views"/> under them, with its own
    /// changes applied: records the score, the reputation events, the case and the assignments, and returns the views
    /// that moved for the caller to store (once, with anything else it changed in them).
    /// </summary>
    public async Task<(ContributionScored Scored, IReadOnlyList<ValidatorView> Moved)> FinaliseAsync(
        IDocumentSession session, ScoringCase @case, IReadOnlyDictionary<string, ValidatorView> views, DateTimeOffset now, CancellationToken ct)
    {
        var assignment = @case.Assignment ?? throw new InvalidOperationException($"case {@case.Id} has no reviewers");
        var policy = await policies.GetAsync(assignment.PolicyVersion, ct);
        var outcome = ScoreDecision.Finalise(@case, policy, views.ToDictionary(v => v.Key, v => v.Value.Reputation, StringComparer.OrdinalIgnoreCase), now);

        session.Events.Append(ContributionIntakeWriter.StreamFor(@case.Id), outcome.Scored);
        session.Store(@case.Apply(outcome.Scored));
        var moved = new List<ValidatorView>(outcome.Reputation.Count);
        foreach (var change in outcome.Reputation)
        {
            session.Events.Append(ValidatorStream(change.Validator), change);
            moved.Add(views[change.Validator].Apply(change));
        }
        foreach (var reviewer in assignment.Reviewers)
            session.Store(new Assignment(Assignment.IdFor(@case.Id, reviewer.Validator), reviewer.Validator, @case.Id, assignment.WindowClosesAt, false));
        return (outcome.Scored, moved);
    }
}
