using CommunityAI.Formats.Policies;
using System.Numerics;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// A contributor's account (id = EIP-55 address): balance and what it earned in its latest epoch, for the cap.
/// Changed only by <see cref="Post"/> and <see cref="Moved"/>, under the address's lock, in the transaction that records the
/// credit. The balance is signed: a slash (an appeal's settlement) can take a reviewer below zero, a debt its later
/// earnings pay first, as the claim tree's rule does (<c>CumulativeClaims</c>).
/// </summary>
public sealed record LedgerAccount(string Id, string Balance, long Entries, long Epoch, string EarnedInEpoch)
{
    public static LedgerAccount Open(string address) => new(address, "0", 0, -1, "0");

    public BigInteger EarnedIn(long epoch) => epoch == Epoch ? TokenAmount.Parse(EarnedInEpoch) : BigInteger.Zero;

    /// <summary>The balance as a signed amount.</summary>
    public BigInteger BalanceAmount => Balance is ['-', .. var digits] ? -TokenAmount.Parse(digits) : TokenAmount.Parse(Balance);

    /// <summary>A move that does not count toward the epoch's cap (validator pay, a reversal, a settlement line, revenue): one more entry.</summary>
    public LedgerAccount Moved(BigInteger delta) => this with { Balance = TokenAmount.Format(BalanceAmount + delta), Entries = Entries + 1 };

    public LedgerAccount Post(BigInteger amount, long epoch) => this with
    {
        Balance = TokenAmount.Format(BalanceAmount + amount),
        Entries = Entries + 1,
        Epoch = Math.Max(epoch, Epoch),
        EarnedInEpoch = TokenAmount.Format(epoch == Epoch ? EarnedIn(epoch) + amount : epoch > Epoch ? amount : TokenAmount.Parse(EarnedInEpoch)),
    };
}
