using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Keeps the contribution views up with the whole history on one instance at a time (the history follower's leader
/// loop). A failure leaves the committed checkpoint where it was, and the next term resumes from it.
/// </summary>
public sealed class ContributionViewProjectorService(ContributionViewProjector projector, NpgsqlDataSource dataSource, HistoryPulse pulse)
    : HistoryFollower(dataSource, streamPrefix: null, pulse)
{
    // The checkpoint this term last committed (or loaded): the projector refuses a batch when the stored one differs.
    private ContributionViewCheckpoint _checkpoint = ContributionViewCheckpoint.Start;

    public override LeaderLoopSettings Settings { get; } = new("contributions:view-projector");

    protected override int BatchSize => projector.BatchSize;

    protected override TimeSpan IdleDelay => TimeSpan.FromMilliseconds(100);

    protected override async Task<long> LoadCheckpointAsync(CancellationToken ct)
    {
        _checkpoint = await projector.LoadCheckpointAsync(ct);
        return _checkpoint.Sequence;
    }

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        _checkpoint = await projector.ApplyAsync(events, checkpoint, _checkpoint, ct);
        return true;
    }
}
