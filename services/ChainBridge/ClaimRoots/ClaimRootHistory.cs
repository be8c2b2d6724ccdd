using System.Globalization;
using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.ServiceDefaults.History;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>
/// The claim roots as the history records them: our publications in stream "chain/claim-roots", and the ledger's
/// closed epochs, read (never written) from its streams, which the chain-bridge sees anyway as it logs every event.
/// </summary>
public sealed class ClaimRootHistory(IDocumentStore store, NpgsqlDataSource dataSource, ChainConnection chain, TimeProvider clock)
{
    public const string StreamKey = "chain/claim-roots";

    /// <summary>The reward-ledger's streams: the only ones whose <c>EpochClosed</c> events are taken as closed epochs.</summary>
    public const string LedgerStreamPrefix = "ledger/";

    private const string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";
    private static readonly string PublishedType = typeof(ClaimRootPublished).GetEventTypeName();
    private static readonly string ClosedType = typeof(EpochClosed).GetEventTypeName();

    // Walks our own stream backwards through its (stream_id, version) index. Records for another chain or
    // distributor (a redeployment) are not ours to repeat here: the same root on two distributors pays twice.
    private static readonly string NewestPublishedSql = $"""
        SELECT data->>'epoch', data->>'claimRoot', data->>'txHash', data->>'blockNumber'
        FROM {Events}
        WHERE stream_id = @stream AND type = @type
          AND data->>'chainId' = @chainId AND lower(data->>'distributorContract') = lower(@distributor)
        ORDER BY version DESC
        LIMIT 1
        """;

    // Walks the set-up's index of closings (HistoryIndexes.EpochCloses) backwards to the newest: the ledger closes
    // epochs one at a time and in order. The type is a literal, so even a generic plan reads that index.
    private static readonly string NewestClosedSql = $"""
        SELECT data->>'epoch', data->>'claimRoot', data->>'cumulativeTotal'
        FROM {Events}
        WHERE type = '{ClosedType}' AND starts_with(stream_id, @prefix)
        ORDER BY seq_id DESC
        LIMIT 1
        """;

    /// <summary>Our newest publication to the distributor in use; null before the first.</summary>
    public async Task<RecordedClaimRoot?> NewestPublishedAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(NewestPublishedSql);
        command.Parameters.AddWithValue("stream", StreamKey);
        command.Parameters.AddWithValue("type", PublishedType);
        command.Parameters.AddWithValue("chainId", chain.ChainId.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("distributor", DistributorAddress);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        // Our own records, written from typed events: a value that does not parse is a damaged history, and failing
        // (with backoff, logged) sends nothing.
        return new RecordedClaimRoot(
            long.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
            reader.GetString(1),
            reader.GetString(2),
            long.Parse(reader.GetString(3), CultureInfo.InvariantCulture));
    }

    /// <summary>The newest <c>EpochClosed</c> in the ledger's streams, unparsed; null when there is none.</summary>
    public async Task<ClosedEpochRecord?> NewestClosedAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(NewestClosedSql);
        command.Parameters.AddWithValue("prefix", LedgerStreamPrefix);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new ClosedEpochRecord(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>
    /// Records, in one transaction, that <paramref name="lost"/> is no longer on chain and that <paramref name="epoch"/>'s
    /// root went out again in <paramref name="sent"/>.
    /// </summary>
    public async Task<ClaimRootPublished> RecordRepublishedAsync(
        RecordedClaimRoot lost, ulong onChainEpoch, long epoch, byte[] root, SentTransaction sent, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var distributor = DistributorAddress;
        var dropped = new ClaimRootDropped(lost.Epoch, lost.ClaimRoot, chain.ChainId, distributor, lost.TxHash, lost.BlockNumber,
            (long)onChainEpoch, now);
        var published = new ClaimRootPublished(epoch, Hex.Encode(root), chain.ChainId, distributor, sent.TransactionHash,
            (long)sent.BlockNumber, now);
        await using var session = store.LightweightSession();
        session.Events.Append(StreamKey, dropped, published);
        await session.SaveChangesAsync(ct);
        return published;
    }

    private string DistributorAddress =>
        chain.Deployment?.DistributorAddress ?? throw new InvalidOperationException("contracts not deployed yet");
}
