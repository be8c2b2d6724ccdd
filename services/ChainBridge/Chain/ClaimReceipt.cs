using System.Numerics;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>A mined claim.</summary>
/// <param name="Transaction">The claim transaction.</param>
/// <param name="Paid">Tokens minted to the account by this claim (base units, 18 decimals).</param>
/// <param name="Epoch">The epoch whose root the proof was checked against.</param>
public sealed record ClaimReceipt(SentTransaction Transaction, BigInteger Paid, ulong Epoch);
