using CommunityAI.ServiceDefaults.Background;

namespace ServiceDefaults.IntegrationTests;

public sealed class RetryBackoffTests
{
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(50, 60)]
    [InlineData(int.MaxValue, 60)]
    public void Each_failure_doubles_the_step_up_to_the_maximum(int failures, int stepSeconds)
    {
        var step = TimeSpan.FromSeconds(stepSeconds);

        Assert.Equal(step / 2, Backoff.DelayAfter(failures, 0));
        Assert.InRange(Backoff.DelayAfter(failures, 0.999_999), step * 0.999, step);
    }

    [Fact]
    public void Jitter_spreads_a_wait_over_the_upper_half_of_its_step_and_never_past_the_maximum()
    {
        var waits = Enumerable.Range(0, 100).Select(i => Backoff.DelayAfter(20, i / 100.0)).ToList();

        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)));
        Assert.Equal(waits.Order(), waits);
        Assert.Equal(100, waits.Distinct().Count());
    }

    [Fact]
    public void A_later_failure_never_waits_less_than_an_earlier_one_at_the_same_jitter()
    {
        var waits = Enumerable.Range(1, 12).Select(n => Backoff.DelayAfter(n, 0.5)).ToList();

        Assert.Equal(waits.Order(), waits);
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(-1, 0.5)]
    [InlineData(1, -0.1)]
    [InlineData(1, 1.0)]
    [InlineData(1, double.NaN)]
    public void Out_of_range_arguments_are_refused(int failures, double jitter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.DelayAfter(failures, jitter));
    }

    [Fact]
    public void A_maximum_below_the_first_wait_or_a_zero_first_wait_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }
}
