using CommunityAI.Contracts;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Who may read a contribution's content: the validators quality-scoring assigned to it (its <see cref="ReviewersAssigned"/>
/// history events), while the review is open — before the last window closes and before the contribution is scored.
/// Nobody else, the operator's own services included. Pure: the caller reads the facts from the history.
/// </summary>
public static class ReviewerAccess
{
    /// <summary>Null when <paramref name="reader"/> may read now; otherwise why not, to show the reader.</summary>
    public static string? Refusal(string reader, IReadOnlyList<ReviewersAssigned> assignments, bool scored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var assigned = assignments.Any(a => a.Reviewers.Any(r => string.Equals(r.Validator, reader, StringComparison.OrdinalIgnoreCase)));
        if (!assigned)
            return "only the validators assigned to review this contribution may read its content";
        if (scored)
            return "the review of this contribution is over (it is scored); its content is no longer readable by its reviewers";
        var closes = assignments.Max(a => a.WindowClosesAt);
        return now < closes ? null : $"the review window closed at {closes:O}; the content is readable only while the review is open";
    }
}
