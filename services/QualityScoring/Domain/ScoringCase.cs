using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A contribution under review: read model (id = contribution id) kept in the same transaction as its history events,
/// and the state every decision about it reads. Built only from its events, and from the reveals held privately
/// (<see cref="SealedReveal"/>) until the case closes: before that it holds commitments and who revealed, never a score.
/// </summary>
/// <param name="RevealedBy">Validators whose reveal is held, waiting for the case to close (no scores).</param>
/// <param name="CommitClosed">Set when the commit deadline passed: from then on the case waits for reveals only.</param>
public sealed record ScoringCase(
    string Id,
    string Contributor,
    string Kind,
    AutomatedChecksCompleted Checks,
    ReviewersAssigned? Assignment,
    IReadOnlyList<ReviewSubmitted> Reviews,
    ContributionScored? Scored,
    IReadOnlyList<ReviewCommitted>? Commitments = null,
    IReadOnlyList<string>? RevealedBy = null,
    bool CommitClosed = false)
{
    public const string Open = "open";
    public const string Closed = "scored";

    public string Status => Scored is null ? Open : Closed;

    public IReadOnlyList<ReviewCommitted> Committed => Commitments ?? [];

    public IReadOnlyList<string> Revealed => RevealedBy ?? [];

    /// <summary>When the commit window closes (cases assigned before commit-reveal: the review window).</summary>
    public DateTimeOffset? CommitClosesAt => Assignment is null ? null : Assignment.CommitClosesAt ?? Assignment.WindowClosesAt;

    /// <summary>
    /// When the closer must next look at an open case: the commit deadline while commitments are still expected, then the
    /// reveal deadline. Stored so the closer can query due cases.
    /// </summary>
    public DateTimeOffset? OpenUntil => Scored is not null || Assignment is null ? null
        : CommitClosed || AllCommitted ? Assignment.WindowClosesAt : CommitClosesAt;

    public bool AllCommitted => Assignment is { } a && Committed.Count >= a.Reviewers.Count;

    public static ScoringCase Create(AutomatedChecksCompleted checks) =>
        new(checks.ContributionId, checks.Contributor, checks.Kind, checks, null, [], null);

    public ScoringCase Apply(ReviewersAssigned assigned) => this with { Assignment = assigned };

    public ScoringCase Apply(ReviewCommitted committed) => this with { Commitments = [.. Committed, committed] };

    public ScoringCase Apply(ReviewSubmitted review) => this with { Reviews = [.. Reviews, review] };

    public ScoringCase Apply(ContributionScored scored) => this with { Scored = scored };

    public ScoringCase RevealHeld(string validator) => this with { RevealedBy = [.. Revealed, validator] };

    public bool IsAssigned(string validator) =>
        Assignment?.Reviewers.Any(r => string.Equals(r.Validator, validator, StringComparison.OrdinalIgnoreCase)) == true;

    public ReviewCommitted? CommitmentBy(string validator) =>
        Committed.FirstOrDefault(c => string.Equals(c.Validator, validator, StringComparison.OrdinalIgnoreCase));

    public bool HasRevealed(string validator) => Revealed.Contains(validator, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether nothing can change the outcome any more, so the case may close before its reveal deadline: no commitment
    /// can still come (every reviewer committed, or the commit window closed) and every commitment is revealed.
    /// </summary>
    public bool Complete(DateTimeOffset now) =>
        Scored is null && Assignment is not null
        && (AllCommitted || CommitClosed || now >= CommitClosesAt)
        && Committed.All(c => HasRevealed(c.Validator));
}
