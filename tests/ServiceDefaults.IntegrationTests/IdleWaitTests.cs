using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;

namespace ServiceDefaults.IntegrationTests;

/// <summary>The polling loops' wait: short while the history moves, growing while it does not, short again on work.</summary>
public sealed class IdleWaitTests
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(50), Longest = TimeSpan.FromSeconds(1);
    private const int Max = 500;

    [Fact]
    public void Each_look_that_finds_nothing_doubles_the_wait_up_to_the_longest()
    {
        var idle = new IdleWait(First, Longest);

        var waits = Enumerable.Range(0, 8).Select(_ => idle.AfterNothing().TotalMilliseconds).ToList();

        Assert.Equal([50, 100, 200, 400, 800, 1000, 1000, 1000], waits);
    }

    [Fact]
    public void Work_brings_the_wait_back_to_the_first_step()
    {
        var idle = new IdleWait(First, Longest);
        for (var i = 0; i < 10; i++)
            idle.AfterNothing();

        Assert.Equal(First, idle.AfterWork());
        Assert.Equal(2 * First, idle.AfterNothing());
    }

    [Fact]
    public void A_first_step_longer_than_the_longest_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdleWait(TimeSpan.FromSeconds(2), Longest));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdleWait(TimeSpan.Zero, Longest));
    }

    [Fact]
    public void A_full_batch_is_read_on_at_once_and_ends_the_quiet_spell()
    {
        var idle = Quiet();

        Assert.Equal(TimeSpan.Zero, Batch(Max).WaitBeforeNextRead(idle, Max, wanted: true));
        // The empty read after it (the batch held exactly what was left) waits the first step, not the quiet spell's.
        Assert.Equal(First, Batch(0).WaitBeforeNextRead(idle, Max, wanted: true));
    }

    [Fact]
    public void Events_that_stopped_at_a_gap_are_read_on_at_once()
    {
        var idle = Quiet();

        Assert.Equal(TimeSpan.Zero, Batch(3, hole: true).WaitBeforeNextRead(idle, Max, wanted: true));
    }

    [Fact]
    public void Fewer_events_than_asked_for_wait_the_first_step()
    {
        var idle = Quiet();

        Assert.Equal(First, Batch(3).WaitBeforeNextRead(idle, Max, wanted: true));
    }

    [Fact]
    public void A_pending_gap_alone_keeps_the_first_step_however_long_it_waits()
    {
        var idle = Quiet();

        Assert.Equal(First, Batch(0, hole: true).WaitBeforeNextRead(idle, Max, wanted: true));
        Assert.Equal(First, Batch(0, hole: true).WaitBeforeNextRead(idle, Max, wanted: true));
    }

    [Fact]
    public void Nothing_read_grows_the_wait()
    {
        var idle = new IdleWait(First, Longest);

        Assert.Equal(First, Batch(0).WaitBeforeNextRead(idle, Max, wanted: true));
        Assert.Equal(2 * First, Batch(0).WaitBeforeNextRead(idle, Max, wanted: true));
    }

    [Fact]
    public void Events_the_reader_passes_over_grow_the_wait_as_nothing_does()
    {
        var idle = new IdleWait(First, Longest);

        Assert.Equal(First, Batch(3).WaitBeforeNextRead(idle, Max, wanted: false));
        Assert.Equal(2 * First, Batch(3).WaitBeforeNextRead(idle, Max, wanted: false));
        Assert.Equal(4 * First, Batch(3).WaitBeforeNextRead(idle, Max, wanted: false));
    }

    [Fact]
    public void One_event_the_reader_acts_on_brings_the_first_step_back()
    {
        var idle = Quiet();

        Assert.Equal(First, Batch(3).WaitBeforeNextRead(idle, Max, wanted: true));
        Assert.Equal(2 * First, Batch(3).WaitBeforeNextRead(idle, Max, wanted: false));
    }

    [Fact]
    public void A_full_batch_is_read_on_at_once_even_with_nothing_the_reader_acts_on()
    {
        var idle = Quiet();

        // What the reader wants may be in the next batch: a full one says more are waiting.
        Assert.Equal(TimeSpan.Zero, Batch(Max).WaitBeforeNextRead(idle, Max, wanted: false));
        Assert.Equal(TimeSpan.Zero, Batch(3, hole: true).WaitBeforeNextRead(idle, Max, wanted: false));
    }

    private static IdleWait Quiet()
    {
        var idle = new IdleWait(First, Longest);
        for (var i = 0; i < 10; i++)
            idle.AfterNothing();
        return idle;
    }

    private static FeedBatch Batch(int events, bool hole = false)
    {
        var read = Enumerable.Range(1, events)
            .Select(n => new StoredEvent(n, Guid.NewGuid(), "test/" + n, 1, "probe", DateTimeOffset.UtcNow, "{}")).ToList();
        return new FeedBatch(read, new FeedCursor(events, hole ? new PendingHole(events + 2, DateTime.UtcNow) : null));
    }
}
