using CommunityAI.ServiceDefaults.History;

namespace ServiceDefaults.IntegrationTests;

/// <summary>When a reader of the history stores its checkpoint: after a batch with an event it wants, or a long run without.</summary>
public sealed class FeedBatchTests
{
    private static bool Wanted(StoredEvent e) => e.EventType == "wanted";

    [Fact]
    public void A_batch_with_a_wanted_event_is_worth_storing() =>
        Assert.True(Worth(Batch(100, "probe", "wanted", "probe"), 97));

    [Fact]
    public void A_batch_without_one_is_not_until_the_run_since_the_stored_checkpoint_reaches_the_limit()
    {
        var batch = Batch(100, "probe", "probe");
        Assert.False(Worth(batch, 0));
        Assert.False(Worth(batch, 100 - FeedBatch.UnstoredLimit + 1));
        Assert.True(Worth(Batch(FeedBatch.UnstoredLimit, "probe"), 0));
    }

    [Fact]
    public void An_empty_read_at_the_stored_checkpoint_is_not_worth_storing() =>
        Assert.False(Worth(Batch(40), 40));

    // As the history's loops ask: their test over the batch's events, made once per read.
    private static bool Worth(FeedBatch batch, long stored) => batch.WorthActingOn(stored, batch.Events.Any(Wanted));

    /// <summary>A batch of events of <paramref name="types"/> ending at sequence <paramref name="end"/>.</summary>
    private static FeedBatch Batch(long end, params string[] types)
    {
        var read = types.Select((type, i) => new StoredEvent(end - types.Length + 1 + i, Guid.NewGuid(), "test/" + i, 1, type, DateTimeOffset.UtcNow, "{}")).ToList();
        return new FeedBatch(read, new FeedCursor(end));
    }
}
