using CommunityAI.ServiceDefaults.History;

namespace ServiceDefaults.IntegrationTests;

/// <summary>A loop's checkpoint: stored at once after a quiet spell, then at most once a period as it moves.</summary>
public sealed class CheckpointCadenceTests
{
    [Fact]
    public void Nothing_is_due_until_the_work_moves()
    {
        var checkpoint = new CheckpointCadence(5, TimeSpan.Zero);

        Assert.False(checkpoint.Due);
        checkpoint.Reached(5);
        Assert.False(checkpoint.Due);
    }

    [Fact]
    public void The_first_store_is_due_at_once()
    {
        var checkpoint = new CheckpointCadence(0, TimeSpan.FromHours(1));

        checkpoint.Reached(7);

        Assert.True(checkpoint.Due);
    }

    [Fact]
    public async Task A_store_waits_a_period_for_the_next_unless_it_is_wanted_now()
    {
        var checkpoint = new CheckpointCadence(0, TimeSpan.FromHours(1));
        var stores = new List<long>();
        Task Store(long done, CancellationToken ct)
        {
            stores.Add(done);
            return Task.CompletedTask;
        }

        checkpoint.Reached(3);
        await checkpoint.StoreWhenDueAsync(Store, CancellationToken.None);
        checkpoint.Reached(9);
        await checkpoint.StoreWhenDueAsync(Store, CancellationToken.None);
        Assert.Equal([3L], stores);
        Assert.Equal((3L, 9L), (checkpoint.Stored, checkpoint.Done));

        await checkpoint.StoreWhenDueAsync(Store, CancellationToken.None, now: true);
        Assert.Equal([3L, 9L], stores);
        Assert.Equal(9L, checkpoint.Stored);
    }

    [Fact]
    public void The_next_store_is_due_once_the_period_has_passed()
    {
        var checkpoint = new CheckpointCadence(0, TimeSpan.FromMilliseconds(20));
        checkpoint.Saved(1);
        checkpoint.Reached(2);

        Thread.Sleep(50);

        Assert.True(checkpoint.Due);
    }

    [Fact]
    public void Without_a_period_only_the_work_itself_stores()
    {
        var checkpoint = new CheckpointCadence(0, every: null);

        checkpoint.Reached(4);

        Assert.False(checkpoint.Due);
        Assert.True(checkpoint.Pending);
    }
}
