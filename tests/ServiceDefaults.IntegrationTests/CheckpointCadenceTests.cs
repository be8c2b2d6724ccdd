using CommunityAI.ServiceDefaults.History;

namespace ServiceDefaults.IntegrationTests;

/// <summary>A publisher's checkpoint: stored at once after a quiet spell, then at most once a period while it moves.</summary>
public sealed class CheckpointCadenceTests
{
    [Fact]
    public void The_first_store_is_due_at_once()
    {
        Assert.True(new CheckpointCadence(TimeSpan.FromHours(1)).Due);
    }

    [Fact]
    public void A_store_waits_a_period_for_the_next()
    {
        var cadence = new CheckpointCadence(TimeSpan.FromHours(1));

        cadence.Stored();

        Assert.False(cadence.Due);
    }

    [Fact]
    public void The_next_store_is_due_once_the_period_has_passed()
    {
        var cadence = new CheckpointCadence(TimeSpan.FromMilliseconds(20));
        cadence.Stored();

        Thread.Sleep(50);

        Assert.True(cadence.Due);
    }
}
