using System.Diagnostics;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Master-key rotation: after <c>ContentStore:ActiveMasterKey</c> names a new key, the leader moves every data key off
/// the retired master keys in small batches, contributions' and open uploads' alike (the content and the parts are
/// neither read nor re-encrypted). Once none is left under a retired key, that key can be removed from configuration
/// and destroyed; an upload opened before still completes. A row whose key does not unwrap is skipped, logged by id and
/// kept in <see cref="RewrapStatus"/> (degraded on <c>/health</c>), and the rest goes on. Both outcomes are counted
/// (<see cref="CommunityMetrics.ContentRewrapped"/>, <see cref="CommunityMetrics.ContentRewrapSkipped"/>) so a
/// dashboard follows the rotation, and the rows still under each retired key are counted for a gauge
/// (<see cref="CommunityMetrics.ContentRewrapPendingName"/>) that an alert watches without anyone polling <c>/health</c>.
/// </summary>
public sealed partial class ContentRewrapJob(
    ContentStore contents, UploadStore uploads, RewrapStatus status, IOptions<ContentStoreOptions> options, ILogger<ContentRewrapJob> logger)
    : ILeaderJob
{
    private const int BatchSize = 500;

    public LeaderLoopSettings Settings { get; } = new("contributions:content-rewrap");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        status.Restart();
        try
        {
            long? counted = null;
            while (!ct.IsCancellationRequested)
            {
                var moved = await contents.RewrapAsync(BatchSize, status.SkippedIn(ContentStore.TableName), ct);
                Report(ContentStore.TableName, moved);
                var movedUploads = await uploads.RewrapAsync(BatchSize, status.SkippedIn(UploadStore.UploadsTable), ct);
                Report(UploadStore.UploadsTable, movedUploads);
                var more = moved.Selected == BatchSize || movedUploads.Selected == BatchSize;
                if (!more || counted is not { } last || Stopwatch.GetElapsedTime(last) >= options.Value.RewrapInterval)
                {
                    await CountAsync(ct);
                    counted = Stopwatch.GetTimestamp();
                }
                if (!await term.WaitAsync(more ? TimeSpan.Zero : options.Value.RewrapInterval, ct))
                    return;
            }
        }
        finally
        {
            status.SteppedDown();
        }
    }

    /// <summary>
    /// Counts the rows left under retired keys, once a round (and once an interval while a long rotation runs its batches
    /// back to back), by the leader only: not per scrape, nor on every replica. A count and not the skipped rows this term
    /// knows, because those miss rows not reached yet, rows another transaction held, rows a replica still on the old
    /// key wrote during a rolling restart, and a skipped row since erased; the count sees the table as it is. Its cost is
    /// one more pass like the one each idle round's select already makes (same predicate, no index on the key column:
    /// every insert would pay for it, and rotations are rare).
    /// </summary>
    private async Task CountAsync(CancellationToken ct)
    {
        status.Counted(ContentStore.TableName, await contents.CountRetiredAsync(ct));
        status.Counted(UploadStore.UploadsTable, await uploads.CountRetiredAsync(ct));
    }

    private void Report(string table, RewrapBatch batch)
    {
        if (batch.Moved > 0)
            CommunityMetrics.ContentRewrapped.Add(batch.Moved, new KeyValuePair<string, object?>("table", table));
        foreach (var row in batch.Skipped)
        {
            status.Skip(table, row);
            CommunityMetrics.ContentRewrapSkipped.Add(1, new KeyValuePair<string, object?>("table", table), new KeyValuePair<string, object?>("master_key", row.MasterKeyId));
            LogSkipped(table, row.Id, row.MasterKeyId, row.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Rewrap skipped {Table} row {Id}: its data key does not unwrap under master key {MasterKeyId} ({Reason}); left as it is, the rotation goes on")]
    private partial void LogSkipped(string table, string id, string masterKeyId, string reason);
}
