using CommunityAI.Formats.Policies;
using System.Numerics;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// A contributor's account (id = EIP-55 address): balance and what it earned in its latest epoch, for the cap.
/// Changed only by <see cref="Post"/>, under the address's lock, in the transaction that records the credit.
/// </summary>
public sealed record LedgerAccount(string Id, string Balance, long Entries, long Epoch, string EarnedInEpoch)
{
    public static LedgerAccount Open(string address) => new(address, "0", 0, -1, "0");

    public BigInteger EarnedIn(long epoch) => epoch == Epoch ? TokenAmount.Parse(EarnedInEpoch) : BigInteger.Zero;

    public LedgerAccount Post(BigInteger amount, long epoch) => this with
    {
        Balance = TokenAmount.Format(TokenAmount.Parse(Balance) + amount),
        Entries = Entries + 1,
        Epoch = Math.Max(epoch, Epoch),
        EarnedInEpoch = TokenAmount.Format(epoch == Epoch ? EarnedIn(epoch) + amount : epoch > Epoch ? amount : TokenAmount.Parse(EarnedInEpoch)),
    };
}
