using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Keeps the contribution views up with the whole history on one instance at a time (the history follower's leader
/// loop). A batch that changes views commits them with the checkpoint; one that holds no fact the views follow moves
/// the checkpoint in memory, stored with the next batch that changes views or within <see cref="StoreCheckpointEvery"/>
/// (at once when the term ends). A failure leaves the committed checkpoint where it was, and the next term resumes from
/// it: passed-over batches are read and passed over again.
/// </summary>
public sealed class ContributionViewProjectorService(ContributionViewProjector projector, NpgsqlDataSource dataSource, HistoryPulse pulse)
    : HistoryFollower(dataSource, streamPrefix: null, pulse)
{
    /// <summary>
    /// The least time between two stores of a checkpoint moved past batches that change no view. Nothing reads the
    /// views' checkpoint but this loop, so a second behind costs a restart a second's batches read again and nothing
    /// else; stored each batch, it was a commit of its own for about half the batches (five a second at 5/s).
    /// </summary>
    public static readonly TimeSpan StoreCheckpointEvery = TimeSpan.FromSeconds(1);

    // This term's checkpoint: where it stands, and the one it stored last, which the projector requires the stored one
    // still to be (another instance moved it otherwise).
    private CheckpointCadence<ContributionViewCheckpoint> _checkpoint = new(ContributionViewCheckpoint.Start, StoreCheckpointEvery);

    public override LeaderLoopSettings Settings { get; } = new("contributions:view-projector");

    protected override int BatchSize => projector.BatchSize;

    protected override TimeSpan IdleDelay => TimeSpan.FromMilliseconds(100);

    protected override async Task<long> LoadCheckpointAsync(CancellationToken ct)
    {
        _checkpoint = new(await projector.LoadCheckpointAsync(ct), StoreCheckpointEvery);
        return _checkpoint.Stored.Sequence;
    }

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        if (ContributionViewProjector.PassOver(events, checkpoint, _checkpoint.Done) is { } passed)
        {
            _checkpoint.Reached(passed);
            await StoreWhenDueAsync(ct);
        }
        else
        {
            _checkpoint.Saved(await projector.ApplyAsync(events, checkpoint, _checkpoint.Done, _checkpoint.Stored, ct));
        }
        return true;
    }

    /// <summary>Before the loop waits, a checkpoint moved in memory is stored when due; at a term's end, now.</summary>
    protected override Task SettleAsync(bool termEnds) => StoreWhenDueAsync(CancellationToken.None, now: termEnds);

    private Task StoreWhenDueAsync(CancellationToken ct, bool now = false) =>
        _checkpoint.StoreWhenDueAsync((done, token) => projector.ApplyAsync([], done.Sequence, done, _checkpoint.Stored, token), ct, now);
}
