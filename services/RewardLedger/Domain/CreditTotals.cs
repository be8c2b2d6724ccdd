using System.Numerics;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>What the history's credits add up to at an epoch.</summary>
/// <param name="Cumulative">Every credited address's cumulative amount at the epoch (CumulativeClaims: never below what was published before).</param>
/// <param name="InEpoch">What was credited to the epoch itself.</param>
public sealed record CreditTotals(IReadOnlyList<(string Address, BigInteger Amount)> Cumulative, BigInteger InEpoch);
