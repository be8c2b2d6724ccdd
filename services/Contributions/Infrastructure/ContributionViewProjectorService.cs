using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Keeps the contribution views up with the history on one instance at a time (the leader loop). A failure leaves the
/// committed checkpoint where it was, and the next term resumes from it.
/// </summary>
public sealed class ContributionViewProjectorService(ContributionViewProjector projector) : ILeaderJob
{
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(100);

    public LeaderLoopSettings Settings { get; } = new("contributions:view-projector");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var checkpoint = await projector.LoadCheckpointAsync(ct);
        var cursor = new FeedCursor(checkpoint.Sequence);
        while (!ct.IsCancellationRequested)
        {
            var step = await projector.StepAsync(cursor, checkpoint, ct);
            (cursor, checkpoint) = (step.Cursor, step.Checkpoint);
            if (!await term.WaitAsync(step.Applied > 0 ? TimeSpan.Zero : IdleDelay, ct))
                return;
        }
    }
}
