using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A contribution under review: read model (id = contribution id) kept in the same transaction as its history events,
/// and the state every decision about it reads. Built only from its events, the removals of its reviewers
/// (<see cref="Forfeited"/>), and the reveals held privately (<see cref="SealedReveal"/>) until the case closes: before
/// that it holds commitments and who revealed, never a score.
/// </summary>
/// <param name="RevealedBy">Validators whose reveal is held, waiting for the case to close (no scores).</param>
/// <param name="CommitClosed">Set when the commit deadline passed: from then on the case waits for reveals only.</param>
/// <param name="Reassignments">
/// Reviewers replaced so far. <see cref="Assignment"/> is kept current: the replacement stands in the replaced reviewer's
/// place and the deadlines are the latest, so every other rule reads the reviewers as they are now.
/// </param>
/// <param name="Appeal">The appeal, once filed (at most one per contribution), by the contributor or a first-round reviewer.</param>
/// <param name="First">
/// The first round as it closed, once the appeal's second round began: from then on <see cref="Assignment"/>, the
/// commitments, reveals and reviews are the second round's, and every rule of the first round applies to it unchanged.
/// </param>
/// <param name="Decided">The appeal's decision; <see cref="Scored"/> then holds the final score.</param>
/// <param name="Forfeited">
/// Reviewers removed after they committed, with nobody left to draw in their place (the reassigner's hand-on):
/// the case no longer waits for their reveals, which would be refused. Their commitments stay in <see cref="Committed"/>,
/// so the close moves them as unrevealed, as it moves a replaced one.
/// </param>
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
    bool CommitClosed = false,
    IReadOnlyList<ReviewerReassigned>? Reassignments = null,
    AppealFiled? Appeal = null,
    FirstRound? First = null,
    AppealDecided? Decided = null,
    IReadOnlyList<string>? Forfeited = null)
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
        : WaitsForReveals ? Assignment.WindowClosesAt : CommitClosesAt;

    /// <summary>
    /// No more commitments are expected (the commit window was closed, or every reviewer assigned now committed): the
    /// case waits for reveals, due at the review window's end. The one rule <see cref="OpenUntil"/> and the closer's
    /// record of which deadline it was late for both follow.
    /// </summary>
    public bool WaitsForReveals => CommitClosed || AllCommitted;

    /// <summary>Every reviewer assigned now has committed (a replaced reviewer's commitment is not counted).</summary>
    public bool AllCommitted => Assignment is { } a && a.Reviewers.All(r => CommitmentBy(r.Validator) is not null);

    /// <summary>
    /// Commitments the case still waits on: those of reviewers assigned now and not removed. A removed reviewer's
    /// commitment is forfeited when it is replaced, or when nobody is left to replace it (<see cref="Forfeited"/>); it
    /// stays in <see cref="Committed"/> so the close still moves its reputation as unrevealed.
    /// </summary>
    public IEnumerable<ReviewCommitted> Awaited => Committed.Where(c => IsAssigned(c.Validator) && !HasForfeited(c.Validator));

    public static ScoringCase Create(AutomatedChecksCompleted checks) =>
        new(checks.ContributionId, checks.Contributor, checks.Kind, checks, null, [], null);

    /// <summary>
    /// The case keeps the draw without its candidates: they are every eligible validator, so they grow with the validator
    /// set, and the case is rewritten at every commitment, reveal and close. The draw's <see cref="ReviewersAssigned"/>
    /// event in the history keeps them, and that is where anyone checks the draw (<c>communityai-audit replay</c>).
    /// </summary>
    public ScoringCase Apply(ReviewersAssigned assigned) => this with { Assignment = assigned with { Candidates = null } };

    public IReadOnlyList<ReviewerReassigned> Reassigned => Reassignments ?? [];

    /// <summary>The last round in which absent reviewers were replaced (0 before any).</summary>
    public int ReassignmentRound => Reassigned.Select(r => r.Round).DefaultIfEmpty(0).Max();

    /// <summary>Every validator ever assigned to the case: none of them is drawn for it again.</summary>
    public IReadOnlySet<string> EverAssigned =>
        (Assignment?.Reviewers.Select(r => r.Validator) ?? []).Concat(Reassigned.Select(r => r.Replaced))
            .Concat(First?.Reviewers ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every validator assigned to the first round, replaced ones included (before or after an appeal began).</summary>
    public IReadOnlySet<string> FirstRoundReviewers =>
        (First?.Reviewers ?? (Assignment?.Reviewers.Select(r => r.Validator) ?? []).Concat(Reassigned.Select(r => r.Replaced)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The first round's revealed reviews, public once it closed (before or after an appeal began).</summary>
    public IReadOnlyList<ReviewSubmitted> FirstRoundReviews => First?.Reviews ?? Reviews;

    /// <summary>Whether the case is in its appeal's second round, not decided yet.</summary>
    public bool InAppealRound => First is not null && Decided is null;

    public ScoringCase Apply(AppealFiled filed) => this with { Appeal = filed };

    /// <summary>
    /// The second round begins: the first round is kept as it closed, and the case reads as freshly assigned to the panel,
    /// so commitments, reveals, replacements and the close follow the first round's rules.
    /// </summary>
    public ScoringCase Apply(AppealReviewersAssigned panel)
    {
        if (Assignment is null || Scored is null)
            throw new InvalidOperationException($"case {Id} has no scored first round to appeal");
        return this with
        {
            First = new FirstRound(Assignment, Committed, Reviews, Reassigned, Scored),
            Assignment = new ReviewersAssigned(panel.ContributionId, panel.Reviewers, panel.Candidates.Count, panel.Quorum,
                panel.WindowClosesAt, panel.PolicyVersion, panel.AssignedAt, panel.SeedRound, panel.Seed, null, panel.CommitClosesAt),
            Commitments = [],
            RevealedBy = [],
            Reviews = [],
            Reassignments = [],
            CommitClosed = false,
            Scored = null,
            Forfeited = null,
        };
    }

    /// <summary>The appeal is decided: the score from now on is the final one, in the first round's shape.</summary>
    public ScoringCase Apply(AppealDecided decided)
    {
        var first = First ?? throw new InvalidOperationException($"case {Id} has no second round to decide");
        return this with
        {
            Decided = decided,
            Scored = decided.Components is null ? first.Scored : first.Scored with
            {
                Score = decided.FinalScore,
                Components = decided.Components,
                Reviews = decided.Reviews,
                ScoredAt = decided.DecidedAt,
                PolicyVersion = decided.PolicyVersion,
                Fallback = null,
            },
        };
    }

    /// <summary>Assigned reviewers with no commitment: absent once the commit window has closed.</summary>
    public IReadOnlyList<string> Uncommitted =>
        Assignment?.Reviewers.Select(r => r.Validator).Where(v => CommitmentBy(v) is null).ToList() ?? [];

    /// <summary>
    /// The replacement stands in the replaced reviewer's place, with its own commit window: the case takes commitments
    /// again even if it was waiting for reveals only (a removed reviewer's unrevealed commitment is replaced at any time).
    /// </summary>
    public ScoringCase Apply(ReviewerReassigned reassigned)
    {
        var assignment = Assignment ?? throw new InvalidOperationException($"case {Id} has no reviewers to replace");
        return this with
        {
            CommitClosed = false,
            Assignment = assignment with
            {
                Reviewers = [.. assignment.Reviewers.Select(r => string.Equals(r.Validator, reassigned.Replaced, StringComparison.OrdinalIgnoreCase) ? reassigned.Replacement : r)],
                CommitClosesAt = reassigned.CommitClosesAt,
                WindowClosesAt = reassigned.WindowClosesAt,
            },
            Reassignments = [.. Reassigned, reassigned with { Candidates = [] }], // as the draw: candidates in the event only
        };
    }

    public ScoringCase Apply(ReviewCommitted committed) => this with { Commitments = [.. Committed, committed] };

    public ScoringCase Apply(ReviewSubmitted review) => this with { Reviews = [.. Reviews, review] };

    public ScoringCase Apply(ContributionScored scored) => this with { Scored = scored };

    public ScoringCase RevealHeld(string validator) => this with { RevealedBy = [.. Revealed, validator] };

    /// <summary>A removed reviewer's commitment no longer awaited, with nobody to replace it (see <see cref="Forfeited"/>).</summary>
    public ScoringCase Forfeit(string validator) => this with { Forfeited = [.. Forfeited ?? [], validator] };

    public bool IsAssigned(string validator) =>
        Assignment?.Reviewers.Any(r => string.Equals(r.Validator, validator, StringComparison.OrdinalIgnoreCase)) == true;

    public ReviewCommitted? CommitmentBy(string validator) =>
        Committed.FirstOrDefault(c => string.Equals(c.Validator, validator, StringComparison.OrdinalIgnoreCase));

    public bool HasRevealed(string validator) => Revealed.Contains(validator, StringComparer.OrdinalIgnoreCase);

    public bool HasForfeited(string validator) => Forfeited?.Contains(validator, StringComparer.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Whether nothing can change the outcome any more, so the case may close before its reveal deadline: no commitment
    /// can still come (every reviewer committed, or the commit window closed) and every awaited commitment is revealed.
    /// </summary>
    public bool Complete(DateTimeOffset now) =>
        Scored is null && Assignment is not null
        && (WaitsForReveals || now >= CommitClosesAt)
        && Awaited.All(c => HasRevealed(c.Validator));
}
