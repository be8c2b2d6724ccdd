using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Master-key rotation: after <c>ContentStore:ActiveMasterKey</c> names a new key, the leader moves every data key off
/// the retired master keys in small batches (the content is neither read nor re-encrypted). Once none is left under a
/// retired key, that key can be removed from configuration and destroyed.
/// </summary>
public sealed class ContentRewrapJob(ContentStore contents, IOptions<ContentStoreOptions> options) : ILeaderJob
{
    private const int BatchSize = 500;

    public LeaderLoopSettings Settings { get; } = new("contributions:content-rewrap");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var moved = await contents.RewrapAsync(BatchSize, ct);
            if (!await term.WaitAsync(moved == BatchSize ? TimeSpan.Zero : options.Value.RewrapInterval, ct))
                return;
        }
    }
}
