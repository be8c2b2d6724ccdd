using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Abandoned uploads: the leader deletes every upload past <see cref="IntakeOptions.UploadLifetime"/> with its wrapped
/// key and encrypted parts, and the tombstones of completed ones, every <see cref="IntakeOptions.UploadSweepInterval"/>.
/// </summary>
public sealed class UploadSweepJob(UploadStore uploads, IOptions<IntakeOptions> options, TimeProvider clock) : ILeaderJob
{
    public LeaderLoopSettings Settings { get; } = new("contributions:upload-sweep");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await uploads.SweepAsync(clock.GetUtcNow(), ct);
            if (!await term.WaitAsync(options.Value.UploadSweepInterval, ct))
                return;
        }
    }
}
