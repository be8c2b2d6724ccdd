namespace CommunityAI.Contracts;

/// <summary>
/// A model builder paid for a dataset snapshot: one <c>DatasetPaid</c> event of the DatasetRevenuePool, recorded once
/// its block had the configured confirmations (stream <c>chain/revenue/{paymentId}</c>). The reward ledger splits the
/// amount over the snapshot's contributors (<see cref="RevenueSplit"/>). History only; recorded by the chain-bridge.
/// </summary>
/// <param name="PaymentId">The payment's id: the transaction hash and the log's index in its block, <c>0x…:n</c>, lower-case.</param>
/// <param name="SnapshotRoot">The snapshot paid for: the root its <see cref="DatasetSnapshotted"/> records, 0x-prefixed hex.</param>
/// <param name="Payer">Who paid, EIP-55.</param>
/// <param name="Amount">What the pool received, token base units as a decimal string (never zero).</param>
/// <param name="Treasury">The pool's treasury, EIP-55: receives what the split leaves over.</param>
/// <param name="ChainId">The chain the pool lives on.</param>
/// <param name="PoolContract">The DatasetRevenuePool's address, EIP-55.</param>
/// <param name="TransactionHash">The paying transaction.</param>
/// <param name="BlockNumber">Its block.</param>
/// <param name="BlockHash">Its block's hash, to tell a reorged copy apart.</param>
/// <param name="LogIndex">The event's index in its block.</param>
/// <param name="RecordedAt">When the chain-bridge recorded the payment.</param>
public sealed record DatasetPaid(
    string PaymentId,
    string SnapshotRoot,
    string Payer,
    string Amount,
    string Treasury,
    long ChainId,
    string PoolContract,
    string TransactionHash,
    long BlockNumber,
    string BlockHash,
    long LogIndex,
    DateTimeOffset RecordedAt);
