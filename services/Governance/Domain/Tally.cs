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

    /// <summary>The count before any vote: nothing for, against or abstaining, and the quorum the snapshot asks for.</summary>
    public static Tally Opening(BigInteger totalWeight, int quorumBasisPoints) =>
        // Rounded up: a quorum of 4% of 1,001 units needs 41, not 40.
        new(0, 0, 0, totalWeight, (totalWeight * quorumBasisPoints + 9_999) / 10_000, null);

    /// <summary>
    /// The count after one more vote, in recorded order: <paramref name="weight"/> is what the vote counts (its
    /// voter's own weight and that of its delegators who had not voted); when the voter's delegate voted before,
    /// <paramref name="delegateSupport"/> is how, and the voter's own weight, <paramref name="takenBack"/>, leaves
    /// that side. One vote costs the same whatever came before, so the desk keeps a running count with this.
    /// </summary>
    public Tally With(VoteSupport support, BigInteger weight, VoteSupport? delegateSupport, BigInteger takenBack, DateTimeOffset castAt)
    {
        if (!Enum.IsDefined(support))
            throw new ArgumentException($"a vote of {(int)support} is not 0, 1 or 2", nameof(support));
        var buckets = new[] { Against, For, Abstain };
        buckets[(int)support] += weight;
        if (delegateSupport is { } theirs)
            buckets[(int)theirs] -= takenBack;
        var next = this with { Against = buckets[0], For = buckets[1], Abstain = buckets[2] };
        return QuorumReachedAt is null && next.QuorumReached ? next with { QuorumReachedAt = castAt } : next;
    }

    /// <summary>Counts <paramref name="votes"/> (one per voter, in recorded order) under <paramref name="power"/>.</summary>
    /// <remarks>Incremental, so 100k voters tally in one pass: each vote costs its voter's delegators, nothing more.</remarks>
    public static Tally Count(VotingPower power, int quorumBasisPoints, IEnumerable<CastVote> votes)
    {
        var supportOf = new Dictionary<string, VoteSupport>(StringComparer.Ordinal);
        var tally = Opening(power.Total, quorumBasisPoints);
        foreach (var vote in votes)
        {
            if (!Enum.IsDefined(vote.Support))
                throw new ArgumentException($"{vote.Voter} voted {(int)vote.Support}, which is not 0, 1 or 2", nameof(votes));
            if (!supportOf.TryAdd(vote.Voter, vote.Support))
                throw new ArgumentException($"{vote.Voter} voted twice: the history holds one vote per voter and proposal", nameof(votes));

            // The voter's own weight, and its delegators' who have not voted (if one votes later, it takes its part back).
            var weight = power.DelegatorsOf(vote.Voter).Where(d => !supportOf.ContainsKey(d))
                .Aggregate(power.Own(vote.Voter), (sum, d) => sum + power.Own(d));
            VoteSupport? delegateSupport = power.DelegateOf(vote.Voter) is { } delegatee && supportOf.TryGetValue(delegatee, out var theirs)
                ? theirs
                : null;
            tally = tally.With(vote.Support, weight, delegateSupport, power.Own(vote.Voter), vote.CastAt);
        }
        return tally;
    }
}
