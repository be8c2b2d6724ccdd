using System.Numerics;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// Who may vote on one proposal and with how much, fixed at the proposal's snapshot: each address's cumulative
/// earned amount in the claim tree of the latest epoch closed before submission, and the delegations in force
/// at submission. Earned, not held: buying or moving tokens afterwards changes nothing.
/// </summary>
/// <remarks>
/// Delegation is one level deep (as in Compound): weight delegated to an address is not passed on by it. A
/// delegator who votes counts their own weight themselves and takes it back from their delegate for this
/// proposal. Pure: the same inputs give the same weights to the last unit.
/// </remarks>
public sealed class VotingPower
{
    private readonly Dictionary<string, BigInteger> _own;
    private readonly Dictionary<string, string> _delegateOf;
    private readonly Dictionary<string, List<string>> _delegatorsOf;

    /// <param name="earned">Cumulative earned amount per EIP-55 address at the snapshot epoch.</param>
    /// <param name="delegations">Delegator → delegatee in force at submission (revoked delegations absent).</param>
    /// <param name="squareRoot">Count the integer square root of each address's earned amount.</param>
    public VotingPower(IReadOnlyDictionary<string, BigInteger> earned, IReadOnlyDictionary<string, string> delegations, bool squareRoot)
    {
        _own = earned.Where(e => e.Value > 0)
            .ToDictionary(e => e.Key, e => squareRoot ? IntegerSquareRoot(e.Value) : e.Value, StringComparer.Ordinal);
        _delegateOf = delegations.Where(d => d.Key != d.Value).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        _delegatorsOf = _delegateOf.GroupBy(d => d.Value, d => d.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        Total = _own.Values.Aggregate(BigInteger.Zero, (sum, w) => sum + w);
    }

    /// <summary>The whole weight at the snapshot: the base of the quorum.</summary>
    public BigInteger Total { get; }

    /// <summary>An address's own counted weight (its earned amount, or its square root).</summary>
    public BigInteger Own(string address) => _own.GetValueOrDefault(address);

    /// <summary>Whom the address had delegated to at the snapshot, or null.</summary>
    public string? DelegateOf(string address) => _delegateOf.GetValueOrDefault(address);

    /// <summary>The addresses that had delegated to this one at the snapshot.</summary>
    public IReadOnlyList<string> DelegatorsOf(string address) => _delegatorsOf.GetValueOrDefault(address) ?? [];

    /// <summary>
    /// What a vote by <paramref name="voter"/> counts while the addresses in <paramref name="voted"/> have voted: its
    /// own weight (a voter who had delegated takes it back by voting) plus that of its delegators who have not voted.
    /// </summary>
    public BigInteger WeightOf(string voter, IReadOnlySet<string> voted) =>
        DelegatorsOf(voter).Where(d => !voted.Contains(d)).Aggregate(Own(voter), (sum, d) => sum + Own(d));

    /// <summary>The largest integer whose square does not exceed <paramref name="value"/> (Newton's method).</summary>
    public static BigInteger IntegerSquareRoot(BigInteger value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value.Sign, nameof(value));
        if (value < 2)
            return value;
        var x = BigInteger.One << (int)((value.GetBitLength() + 1) / 2);
        while (true)
        {
            var y = (x + value / x) >> 1;
            if (y >= x)
                return x;
            x = y;
        }
    }
}
