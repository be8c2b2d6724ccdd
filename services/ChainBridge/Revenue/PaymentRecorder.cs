using System.Globalization;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.ChainBridge.Revenue;

/// <summary>
/// Records each confirmed pool payment once, as <see cref="DatasetPaid"/> in stream <c>chain/revenue/{paymentId}</c>:
/// the store refuses to start a stream twice, so a rescan, a second leader or a restart records nothing again.
/// </summary>
public sealed class PaymentRecorder(IDocumentStore store, TimeProvider clock)
{
    public const string StreamPrefix = Extensions.StreamPrefix + "revenue/";

    public static string StreamFor(string paymentId) => StreamPrefix + paymentId;

    /// <summary>Records <paramref name="payment"/>; returns null when it was recorded before.</summary>
    public async Task<DatasetPaid?> RecordAsync(long chainId, string pool, DatasetPaidEvent payment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var paid = new DatasetPaid(
            payment.PaymentId,
            "0x" + Convert.ToHexStringLower(payment.SnapshotRoot),
            payment.Payer,
            payment.Amount.ToString(CultureInfo.InvariantCulture),
            payment.Treasury,
            chainId,
            pool,
            payment.TransactionHash.ToLowerInvariant(),
            (long)payment.BlockNumber,
            payment.BlockHash.ToLowerInvariant(),
            (long)payment.LogIndex,
            clock.GetUtcNow());
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(StreamFor(payment.PaymentId), paid);
            await session.SaveChangesAsync(ct);
            return paid;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null;
        }
    }

    /// <summary>The last block read for <paramref name="pool"/>, or null before the first scan.</summary>
    public async Task<ulong?> LastScannedAsync(string pool, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return (await session.LoadAsync<RevenueScanCursor>(pool.ToLowerInvariant(), ct))?.LastBlock;
    }

    public async Task SaveScannedAsync(string pool, ulong block, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(new RevenueScanCursor(pool.ToLowerInvariant(), block));
        await session.SaveChangesAsync(ct);
    }
}
