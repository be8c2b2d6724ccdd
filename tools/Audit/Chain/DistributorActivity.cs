using System.Numerics;

namespace CommunityAI.Audit.Chain;

/// <summary>What the chain says the RewardDistributor and its token did, read at one block (<see cref="AtBlock"/>).</summary>
internal sealed record DistributorActivity(
    string Distributor,
    string Token,
    ulong AtBlock,
    IReadOnlyList<ChainRoot> Roots,
    IReadOnlyList<ChainVeto> Vetoes,
    IReadOnlyList<ChainClaim> Claims,
    IReadOnlyList<ChainMint> Mints,
    IReadOnlyList<MinterGrant> MinterGrants,
    BigInteger TotalSupply,
    BigInteger TotalPaid);

/// <summary>One <c>RootPublished</c>: a claim root the distributor accepted for an epoch, with its tree's total.</summary>
internal sealed record ChainRoot(ulong Epoch, string Root, BigInteger CumulativeTotal, ulong BlockNumber, string TransactionHash, ulong LogIndex);

/// <summary>One <c>RootVetoed</c>: the guardian rejected a pending root before it became claimable.</summary>
internal sealed record ChainVeto(ulong Epoch, string Root, string Guardian, ulong BlockNumber, string TransactionHash);

/// <summary>One <c>Claimed</c>: the distributor paid <paramref name="Amount"/> to an account against an epoch's root.</summary>
internal sealed record ChainClaim(string Account, ulong Epoch, BigInteger Amount, BigInteger CumulativeAmount, ulong BlockNumber, string TransactionHash);

/// <summary>One token <c>Transfer</c> from the zero address: new tokens.</summary>
internal sealed record ChainMint(string To, BigInteger Amount, ulong BlockNumber, string TransactionHash);

/// <summary>One token <c>RoleGranted</c> of MINTER_ROLE.</summary>
internal sealed record MinterGrant(string Account, string Sender, ulong BlockNumber, string TransactionHash);
