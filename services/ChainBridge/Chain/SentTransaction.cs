using Nethereum.RPC.Eth.DTOs;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>A transaction that was mined successfully.</summary>
/// <param name="TransactionHash">0x-prefixed transaction hash.</param>
/// <param name="BlockNumber">The block that includes it (may still be reorganised away).</param>
/// <param name="BlockHash">The hash of that block, to detect a reorg later.</param>
/// <param name="GasUsed">Gas the transaction consumed.</param>
/// <param name="Receipt">The full receipt, for logs and fees.</param>
public sealed record SentTransaction(string TransactionHash, ulong BlockNumber, string BlockHash, ulong GasUsed, TransactionReceipt Receipt)
{
    internal static SentTransaction From(TransactionReceipt receipt) => new(
        receipt.TransactionHash,
        (ulong)receipt.BlockNumber.Value,
        receipt.BlockHash,
        (ulong)receipt.GasUsed.Value,
        receipt);
}
