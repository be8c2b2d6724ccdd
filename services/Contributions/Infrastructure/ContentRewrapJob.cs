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
/// dashboard follows the rotation and an alert sees a skipped row without anyone polling <c>/health</c>.
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
        while (!ct.IsCancellationRequested)
        {
            var moved = await contents.RewrapAsync(BatchSize, status.SkippedIn(ContentStore.TableName), ct);
            Report(ContentStore.TableName, moved);
            var movedUploads = await uploads.RewrapAsync(BatchSize, status.SkippedIn(UploadStore.UploadsTable), ct);
            Report(UploadStore.UploadsTable, movedUploads);
            var more = moved.Selected == BatchSize || movedUploads.Selected == BatchSize;
            if (!await term.WaitAsync(more ? TimeSpan.Zero : options.Value.RewrapInterval, ct))
                return;
        }
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
