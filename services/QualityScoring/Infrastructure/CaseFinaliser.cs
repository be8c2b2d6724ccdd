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

    public async Task<ContributionScored> FinaliseAsync(IDocumentSession session, ScoringCase @case, DateTimeOffset now, CancellationToken ct)
    {
        var assignment = @case.Assignment ?? throw new InvalidOperationException($"case {@case.Id} has no reviewers");
        var policy = await policies.GetAsync(assignment.PolicyVersion, ct);
        var reviewers = @case.Reviews.Select(r => r.Validator).ToList();
        await ScoringLocks.TakeAsync(session.Connection!, reviewers.Select(ScoringLocks.Validator), ct);
        var views = (await session.LoadManyAsync<ValidatorView>(ct, reviewers)).ToDictionary(v => v.Id, StringComparer.OrdinalIgnoreCase);
        var outcome = ScoreDecision.Finalise(@case, policy, views.ToDictionary(v => v.Key, v => v.Value.Reputation, StringComparer.OrdinalIgnoreCase), now);

        session.Events.Append(ContributionIntakeWriter.StreamFor(@case.Id), outcome.Scored);
        session.Store(@case.Apply(outcome.Scored));
        foreach (var moved in outcome.Reputation)
        {
            session.Events.Append(ValidatorStream(moved.Validator), moved);
            session.Store(views[moved.Validator].Apply(moved));
        }
        foreach (var reviewer in assignment.Reviewers)
            session.Store(new Assignment(Assignment.IdFor(@case.Id, reviewer.Validator), reviewer.Validator, @case.Id, assignment.WindowClosesAt, false));
        return outcome.Scored;
    }
}
