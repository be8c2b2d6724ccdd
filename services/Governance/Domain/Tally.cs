using System.Numerics;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// The count of one proposal's votes, recomputable by anyone from the history: For, Against and Abstain weights,
/// the quorum it needed and when quorum was first reached (for the late-quorum extension).
/// </summary>
/// <remarks>
/// As in OpenZeppelin Governor, For and Abstain count toward quorum and a proposal passes with quorum and more For
/// than Against. Votes are applied in the order they were recorded; a delegator's later vote takes its weight back
/// from its delegate, so totals can move both ways, but the moment quorum was first reached stays.
/// </remarks>
public sealed record Tally(BigInteger For, BigInteger Against, BigInteger Abstain, BigInteger TotalWeight,
    BigInteger QuorumNeeded, DateTimeOffset? QuorumReachedAt)
{
    public bool QuorumReached => TotalWeight > 0 && For + Abstain >= QuorumNeeded;

    public bool Passes => QuorumReached && For > Against;

    /// <summary>Counts <paramref name="votes"/> (one per voter, in recorded order) under <paramref name="power"/>.</summary>
    /// <remarks>Incremental, so 100k voters tally in one pass: each vote costs its voter's delegators, nothing more.</remarks>
    public static Tally Count(VotingPower power, int quorumBasisPoints, IEnumerable<CastVote> votes)
    {
        // Rounded up: a quorum of 4% of 1,001 units needs 41, not 40.
        var needed = (power.Total * quorumBasisPoints + 9_999) / 10_000;
        var supportOf = new Dictionary<string, VoteSupport>(StringComparer.Ordinal);
        var buckets = new BigInteger[3];
        DateTimeOffset? reachedAt = null;
        foreach (var vote in votes)
        {
            if (!Enum.IsDefined(vote.Support))
                throw new ArgumentException($"{vote.Voter} voted {(int)vote.Support}, which is not 0, 1 or 2", nameof(votes));
            if (!supportOf.TryAdd(vote.Voter, vote.Support))
                throw new ArgumentException($"{vote.Voter} voted twice: the history holds one vote per voter and proposal", nameof(votes));

            // The voter's own weight, and its delegators' who have not voted (if one votes later, it takes its part back).
            var weight = power.DelegatorsOf(vote.Voter).Where(d => !supportOf.ContainsKey(d))
                .Aggregate(power.Own(vote.Voter), (sum, d) => sum + power.Own(d));
            buckets[(int)vote.Support] += weight;
            // A delegator voting takes its weight back from a delegate who already counted it.
            if (power.DelegateOf(vote.Voter) is { } delegatee && supportOf.TryGetValue(delegatee, out var theirs))
                buckets[(int)theirs] -= power.Own(vote.Voter);

            if (reachedAt is null && power.Total > 0 && buckets[(int)VoteSupport.For] + buckets[(int)VoteSupport.Abstain] >= needed)
                reachedAt = vote.CastAt;
        }
        return new Tally(buckets[(int)VoteSupport.For], buckets[(int)VoteSupport.Against], buckets[(int)VoteSupport.Abstain],
            power.Total, needed, reachedAt);
    }
}
