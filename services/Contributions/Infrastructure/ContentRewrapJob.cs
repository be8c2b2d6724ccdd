using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Master-key rotation: after <c>ContentStore:ActiveMasterKey</c> names a new key, the leader moves every data key off
/// the retired master keys in small batches, contributions' and open uploads' alike (the content and the parts are
/// neither read nor re-encrypted). Once none is left under a retired key, that key can be removed from configuration
/// and destroyed; an upload opened before still completes.
/// </summary>
public sealed class ContentRewrapJob(ContentStore contents, UploadStore uploads, IOptions<ContentStoreOptions> options) : ILeaderJob
{
    private const int BatchSize = 500;

    public LeaderLoopSettings Settings { get; } = new("contributions:content-rewrap");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var moved = await contents.RewrapAsync(BatchSize, ct);
            var movedUploads = await uploads.RewrapAsync(BatchSize, ct);
            var more = moved == BatchSize || movedUploads == BatchSize;
            if (!await term.WaitAsync(more ? TimeSpan.Zero : options.Value.RewrapInterval, ct))
                return;
        }
    }
}
