using System.Globalization;
using System.Numerics;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// A proposal's <see cref="Tally"/> after its first <see cref="Votes"/> votes, carried forward by each vote in the
/// transaction that records it (so it follows the stream's order: the stream's version check lets one vote at a time
/// commit). It is a cache of what <see cref="Tally.Count"/> gives over the history: when it counted fewer votes than
/// the proposal holds (dropped, or written before it existed), it is counted again from the stream.
/// </summary>
/// <remarks>Weights are decimal strings: token amounts outgrow every fixed-width number JSON carries.</remarks>
public sealed record RunningTally(string Id, int Votes, string For, string Against, string Abstain, string TotalWeight, string QuorumNeeded,
    DateTimeOffset? QuorumReachedAt)
{
    /// <param name="proposal">The proposal's stream key: one running tally per proposal.</param>
    public static RunningTally Of(string proposal, int votes, Tally tally) =>
        new(proposal, votes, N(tally.For), N(tally.Against), N(tally.Abstain), N(tally.TotalWeight), N(tally.QuorumNeeded), tally.QuorumReachedAt);

    public Tally ToTally() => new(B(For), B(Against), B(Abstain), B(TotalWeight), B(QuorumNeeded), QuorumReachedAt);

    private static string N(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    private static BigInteger B(string value) => BigInteger.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
