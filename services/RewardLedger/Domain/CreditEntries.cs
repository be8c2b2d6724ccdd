using System.Numerics;
using CommunityAI.Formats.Claims;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// What a part of the history's credits and debits holds for an epoch's totals: each address's net amount per epoch, and
/// what the part credited to the epoch being totalled (credits only: a debit is no negative credit).
/// </summary>
public sealed record CreditEntries(IReadOnlyList<(string Address, long Epoch, BigInteger Amount)> Net, BigInteger InEpoch)
{
    /// <summary>
    /// The totals at <paramref name="epoch"/> of parts that share no event, such as an epoch close's read up to a settled
    /// sequence and its read of what came after: the published rule (<see cref="CumulativeClaims"/>) sums an address's
    /// amounts per epoch itself, so two parts' rows for one epoch add up as one row would.
    /// </summary>
    public static CreditTotals TotalsAt(long epoch, params CreditEntries[] parts) =>
        new(CumulativeClaims.At(parts.SelectMany(p => p.Net), epoch), parts.Aggregate(BigInteger.Zero, (sum, p) => sum + p.InEpoch));
}
