using CommunityAI.ChainBridge.Anchoring;

namespace ChainBridge.Tests;

public sealed class AnchoringStatusTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_outage_starts_at_its_first_failure_counts_the_rest_and_ends_with_a_success()
    {
        var status = new AnchoringStatus();

        var first = status.RecordFailure(Start, new HttpRequestException("connection refused"));
        var third = status.RecordFailure(Start.AddSeconds(5), new HttpRequestException("still refused"));
        third = status.RecordFailure(Start.AddSeconds(9), new TimeoutException("timed out"));

        Assert.Equal(1, first.Failures);
        Assert.Equal(new AnchoringOutage(Start, 3, "timed out"), third);
        Assert.Equal(third, status.Outage);
        Assert.Equal(third, status.RecordSuccess());
        Assert.Null(status.Outage);
        Assert.Null(status.RecordSuccess());
    }
}
