using System.Numerics;
using CommunityAI.Governance.Domain;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.Governance.Tests;

/// <summary>The incremental tally against a plain recount from scratch, on random communities, delegations and vote orders.</summary>
public sealed class TallyPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private sealed record Community(Dictionary<string, BigInteger> Earned, Dictionary<string, string> Delegations, List<CastVote> Votes);

    private static string Address(int i) => $"0x{i:X40}";

    private static readonly Gen<Community> Communities =
        from size in Gen.Choose(1, 25)
        from earned in Gen.ListOf(Gen.Choose(0, 1_000_000), size)
        from delegateTo in Gen.ListOf(Gen.Choose(-size, size - 1), size)
        from voteMask in Gen.ListOf(Gen.Choose(-1, 2), size)
        from order in Gen.Shuffle(Enumerable.Range(0, size).ToArray())
        select new Community(
            Enumerable.Range(0, size).ToDictionary(Address, i => (BigInteger)earned[i]),
            Enumerable.Range(0, size).Where(i => delegateTo[i] >= 0).ToDictionary(Address, i => Address(delegateTo[i])),
            order.Where(i => voteMask[i] >= 0).Select((i, n) => new CastVote(Address(i), (VoteSupport)voteMask[i], T0.AddSeconds(n))).ToList());

    /// <summary>The rule in words: a voter counts its own weight and its non-voting delegators'.</summary>
    private static (BigInteger For, BigInteger Against, BigInteger Abstain) Recount(VotingPower power, List<CastVote> votes)
    {
        var voted = votes.Select(v => v.Voter).ToHashSet(StringComparer.Ordinal);
        var sums = new BigInteger[3];
        foreach (var vote in votes)
            sums[(int)vote.Support] += power.WeightOf(vote.Voter, voted);
        return (sums[1], sums[0], sums[2]);
    }

    [Property(MaxTest = 500)]
    public Property The_tally_equals_a_recount_from_scratch() =>
        Prop.ForAll(Communities.ToArbitrary(), c =>
        {
            var power = new VotingPower(c.Earned, c.Delegations, squareRoot: false);
            var tally = Tally.Count(power, 400, c.Votes);
            return (tally.For, tally.Against, tally.Abstain) == Recount(power, c.Votes);
        });

    [Property(MaxTest = 500)]
    public Property No_weight_is_counted_twice_or_created() =>
        Prop.ForAll(Communities.ToArbitrary(), c =>
        {
            var power = new VotingPower(c.Earned, c.Delegations, squareRoot: true);
            var tally = Tally.Count(power, 400, c.Votes);
            return tally.For >= 0 && tally.Against >= 0 && tally.Abstain >= 0
                && tally.For + tally.Against + tally.Abstain <= power.Total;
        });

    [Property(MaxTest = 300)]
    public Property The_final_counts_do_not_depend_on_the_order_of_the_votes() =>
        Prop.ForAll(Communities.SelectMany(c => Gen.Shuffle(c.Votes.ToArray()).Select(s => (c, s.ToList()))).ToArbitrary(), p =>
        {
            var (c, shuffled) = p;
            var power = new VotingPower(c.Earned, c.Delegations, squareRoot: false);
            var a = Tally.Count(power, 400, c.Votes);
            var b = Tally.Count(power, 400, shuffled);
            return (a.For, a.Against, a.Abstain) == (b.For, b.Against, b.Abstain);
        });

    /// <summary>
    /// The count the desk carries from vote to vote (each vote seeing only the earlier votes of its delegators and its
    /// delegate, the running tally stored and read back between votes) equals the count over the whole history after
    /// every vote, including the moment quorum was first reached.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property The_running_tally_equals_a_count_of_the_history_after_every_vote() =>
        Prop.ForAll(Communities.ToArbitrary(), Gen.Choose(1, 10_000).ToArbitrary(), (c, quorum) =>
        {
            var power = new VotingPower(c.Earned, c.Delegations, squareRoot: false);
            var supportOf = new Dictionary<string, VoteSupport>(StringComparer.Ordinal);
            var running = RunningTally.Of("governance/proposals/p", 0, Tally.Opening(power.Total, quorum));
            for (var n = 0; n < c.Votes.Count; n++)
            {
                var vote = c.Votes[n];
                var related = power.DelegatorsOf(vote.Voter).Append(power.DelegateOf(vote.Voter) ?? "").Where(supportOf.ContainsKey).ToHashSet();
                VoteSupport? theirs = power.DelegateOf(vote.Voter) is { } d && supportOf.TryGetValue(d, out var s) ? s : null;
                running = RunningTally.Of(running.Id, n + 1,
                    running.ToTally().With(vote.Support, power.WeightOf(vote.Voter, related), theirs, power.Own(vote.Voter), vote.CastAt));
                supportOf[vote.Voter] = vote.Support;
                if (running.ToTally() != Tally.Count(power, quorum, c.Votes.Take(n + 1)))
                    return false;
            }
            return true;
        });
}
