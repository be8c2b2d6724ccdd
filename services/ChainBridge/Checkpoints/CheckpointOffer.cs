using CommunityAI.ChainBridge.Log;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>
/// The tree size offered to witnesses (<c>GET /checkpoint/witness</c>): the newest head, renewed at most once per
/// <see cref="CheckpointOptions.WitnessCadenceSeconds"/>. On a live log the head moves every few hundred milliseconds, so
/// witnesses polling the newest head each cosigned sizes no other witness had, and a bridge requiring k of them found no
/// size to serve. Offered one size at a time, as a C2SP tlog-witness log hands every witness the same checkpoint, each
/// witness that polls at least as often as the cadence cosigns every offered size. One row shared by every replica.
/// </summary>
public sealed class CheckpointOffer(NpgsqlDataSource dataSource, IOptions<CheckpointOptions> options)
{
    private const string S = LogSchema.Schema;

    /// <summary>The size to offer now, given the log's newest size <paramref name="head"/>; never above it.</summary>
    public async Task<long> SizeAsync(long head, CancellationToken ct)
    {
        var cadence = options.Value.WitnessCadenceSeconds;
        if (cadence == 0)
            return head;
        // Renewed only once the offer is a cadence old and the head has moved, by the database's clock (replicas' clocks
        // may differ); concurrent renewals queue on the row, and the later one finds the offer fresh and leaves it.
        await using var batch = dataSource.CreateBatch();
        var renew = new NpgsqlBatchCommand($"""
            INSERT INTO {S}.checkpoint_offer (id, tree_size, offered_at) VALUES (1, @head, now())
            ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, offered_at = excluded.offered_at
            WHERE {S}.checkpoint_offer.tree_size <> excluded.tree_size
              AND {S}.checkpoint_offer.offered_at <= now() - make_interval(secs => @cadence)
            """);
        renew.Parameters.AddWithValue("head", head);
        renew.Parameters.AddWithValue("cadence", (double)cadence);
        batch.BatchCommands.Add(renew);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT tree_size FROM {S}.checkpoint_offer WHERE id = 1"));
        var offered = (long)(await batch.ExecuteScalarAsync(ct))!;
        return Math.Min(offered, head);
    }
}
