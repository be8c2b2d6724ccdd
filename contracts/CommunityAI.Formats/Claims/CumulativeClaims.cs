using System.Numerics;

namespace CommunityAI.Formats.Claims;

/// <summary>
/// The published cumulative amount of every address at an epoch, from the ledger's signed entries: credits (rewards,
/// validator pay, revenue lines) positive, reversals (<c>RewardAdjusted</c>) negative, an appeal's settlement lines
/// (<c>AppealSettled</c>) either. One rule for the ledger, governance's
/// voting weights and the auditors, like <see cref="ClaimTree.LeavesOf"/>.
/// </summary>
/// <remarks>
/// The distributor pays the difference between a leaf's amount and what the address already claimed, so a published
/// amount that went down would be a debt the chain cannot collect: whatever was claimed stays claimed. Hence
/// <c>cumulative(e) = max(cumulative(e − 1), net(e))</c> with <c>net(e)</c> the sum of every entry up to epoch e and
/// <c>cumulative(−1) = 0</c>. A debit is absorbed by later earnings until the net total climbs back above the highest
/// amount published, and only the remainder raises the claim. Without debits the amount is the plain sum.
/// </remarks>
public static class CumulativeClaims
{
    /// <summary>
    /// Every address's cumulative amount at <paramref name="epoch"/>, counting only entries of epochs up to it.
    /// Addresses compare without case; an address is reported as its first entry spells it. Zero amounts are kept
    /// here (<see cref="ClaimTree.LeavesOf"/> drops them).
    /// </summary>
    public static List<(string Address, BigInteger Amount)> At(IEnumerable<(string Address, long Epoch, BigInteger Amount)> entries, long epoch)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var byAddress = new Dictionary<string, (string Spelling, SortedDictionary<long, BigInteger> PerEpoch)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (address, entryEpoch, amount) in entries)
        {
            if (entryEpoch > epoch)
                continue;
            if (!byAddress.TryGetValue(address, out var account))
                byAddress[address] = account = (address, new SortedDictionary<long, BigInteger>());
            account.PerEpoch[entryEpoch] = account.PerEpoch.GetValueOrDefault(entryEpoch) + amount;
        }
        return [.. byAddress.Values.Select(a => (a.Spelling, Highest(a.PerEpoch.Values)))];
    }

    /// <summary>The claim tree at <paramref name="epoch"/> (<see cref="At"/>, then <see cref="ClaimTree.OfCumulativeAmounts"/>).</summary>
    public static ClaimTree? TreeAt(IEnumerable<(string Address, long Epoch, BigInteger Amount)> entries, long epoch) =>
        ClaimTree.OfCumulativeAmounts(At(entries, epoch));

    /// <summary>
    /// One step of the rule, for readers that fold the history epoch by epoch instead of calling <see cref="At"/>: the
    /// amount at an epoch from the amount at the one before and the net total (credits minus debits) up to this one.
    /// </summary>
    public static BigInteger Next(BigInteger previous, BigInteger netTotal) => BigInteger.Max(previous, netTotal);

    // The highest running total over the epochs in order, starting from zero: a net total that dips below an amount
    // published earlier leaves that amount where it was.
    private static BigInteger Highest(IEnumerable<BigInteger> netPerEpoch)
    {
        BigInteger net = BigInteger.Zero, highest = BigInteger.Zero;
        foreach (var amount in netPerEpoch)
        {
            net += amount;
            highest = Next(highest, net);
        }
        return highest;
    }
}
