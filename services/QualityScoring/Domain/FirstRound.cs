using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>An appealed contribution's first round as it closed (part of <see cref="ScoringCase"/>).</summary>
public sealed record FirstRound(
    ReviewersAssigned Assignment,
    IReadOnlyList<ReviewCommitted> Commitments,
    IReadOnlyList<ReviewSubmitted> Reviews,
    IReadOnlyList<ReviewerReassigned> Reassignments,
    ContributionScored Scored)
{
    /// <summary>Every validator assigned to the first round, replaced ones included: none of them sits on the panel.</summary>
    public IEnumerable<string> Reviewers => Assignment.Reviewers.Select(r => r.Validator).Concat(Reassignments.Select(r => r.Replaced));
}
