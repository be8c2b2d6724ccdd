using System.Numerics;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>One <c>DatasetPaid(bytes32 indexed snapshotRoot, address indexed payer, uint256 amount, address treasury)</c> event and where it was emitted.</summary>
public sealed record DatasetPaidEvent(
    byte[] SnapshotRoot, string Payer, BigInteger Amount, string Treasury, ulong BlockNumber, string BlockHash, string TransactionHash, ulong LogIndex)
{
    /// <summary>The payment's id in the history: transaction hash and log index, lower-case (a transaction may pay twice).</summary>
    public string PaymentId => $"{TransactionHash.ToLowerInvariant()}:{LogIndex}";
}
