using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A contribution under review: read model (id = contribution id) kept in the same transaction as its history events,
/// and the state every decision about it reads. Built only from its events.
/// </summary>
public sealed record ScoringCase(
    string Id,
    string Contributor,
    string Kind,
    AutomatedChecksCompleted Checks,
    ReviewersAssigned? Assignment,
    IReadOnlyList<ReviewSubmitted> Reviews,
    ContributionScored? Scored)
{
    public const string Open = "open";
    public const string Closed = "scored";

    public string Status => Scored is null ? Open : Closed;

    /// <summary>When an open case's window closes; stored so the closer can query due cases.</summary>
    public DateTimeOffset? OpenUntil => Scored is null ? Assignment?.WindowClosesAt : null;

    public static ScoringCase Create(AutomatedChecksCompleted checks) =>
        new(checks.ContributionId, checks.Contributor, checks.Kind, checks, null, [], null);

    public ScoringCase Apply(ReviewersAssigned assigned) => this with { Assignment = assigned };

    public ScoringCase Apply(ReviewSubmitted review) => this with { Reviews = [.. Reviews, review] };

    public ScoringCase Apply(ContributionScored scored) => this with { Scored = scored };

    public bool IsAssigned(string validator) =>
        Assignment?.Reviewers.Any(r => string.Equals(r.Validator, validator, StringComparison.OrdinalIgnoreCase)) == true;

    public ReviewSubmitted? ReviewBy(string validator) =>
        Reviews.FirstOrDefault(r => string.Equals(r.Validator, validator, StringComparison.OrdinalIgnoreCase));

    public bool AllReviewed => Assignment is { } a && Reviews.Count >= a.Reviewers.Count;
}
