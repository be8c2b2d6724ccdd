using CommunityAI.QualityScoring.Domain;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>Counts new assignments against the cap, in the transaction that records them (which holds <see cref="ScoringLocks.Workload"/>).</summary>
internal static class ReviewLoads
{
    /// <summary>
    /// Stores each drawn validator's count for <paramref name="epoch"/>, one more than <paramref name="read"/> says, and
    /// returns the validators as selection now sees them, so a second draw in the same transaction counts the first.
    /// </summary>
    public static IReadOnlyList<ReviewerSelection.Validator> Count(IDocumentSession session, long epoch, IEnumerable<string> drawn,
        IReadOnlyList<ReviewerSelection.Validator> read)
    {
        var counted = read.ToList();
        foreach (var validator in drawn)
        {
            var at = counted.FindIndex(v => string.Equals(v.Address, validator, StringComparison.OrdinalIgnoreCase));
            if (at < 0)
                continue;
            counted[at] = counted[at] with { AssignedThisEpoch = counted[at].AssignedThisEpoch + 1 };
            session.Store(ReviewLoad.For(epoch, counted[at].Address, counted[at].AssignedThisEpoch));
        }
        return counted;
    }
}
