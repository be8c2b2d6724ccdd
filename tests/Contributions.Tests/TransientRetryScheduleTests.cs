using CommunityAI.ServiceDefaults.Messaging;

namespace Contributions.Tests;

/// <summary>The bus's retry of passing failures, shared by every service's consumers (ServiceDefaults).</summary>
public sealed class TransientRetryScheduleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(34)]
    [InlineData(300)]
    [InlineData(3600)]
    public void The_waits_cover_the_window_and_stop_there(int seconds)
    {
        var window = TimeSpan.FromSeconds(seconds);
        var waits = TransientRetrySchedule.For(window);
        var total = waits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait);
        Assert.True(total >= window, $"{total} < {window}");
        Assert.True(total - waits[^1] < window, "one retry too many");
        Assert.All(waits, wait => Assert.InRange(wait, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void The_first_retry_is_quick_and_later_ones_never_shrink()
    {
        var waits = TransientRetrySchedule.For(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromMilliseconds(200), waits[0]);
        Assert.True(waits.Zip(waits.Skip(1)).All(pair => pair.First <= pair.Second));
        Assert.Equal(15, waits.Length); // 33.2 s in six quick retries, then nine of 30 s
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_window_that_is_not_positive_is_refused(int seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TransientRetrySchedule.For(TimeSpan.FromSeconds(seconds)));
}
