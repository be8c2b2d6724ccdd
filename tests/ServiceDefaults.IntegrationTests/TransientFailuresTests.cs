using CommunityAI.ServiceDefaults.Messaging;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>Which handler failures are retried in place and which go to the error queue at once.</summary>
public sealed class TransientFailuresTests
{
    [Fact]
    public void A_handler_failing_because_its_service_is_stopping_is_retried_not_parked()
    {
        Assert.True(TransientFailures.IsTransient(new ObjectDisposedException("NpgsqlDataSource")));
        Assert.True(TransientFailures.IsTransient(new InvalidOperationException("wrapped", new ObjectDisposedException("scope"))));
        Assert.True(TransientFailures.IsTransient(new NotReadyException("assignment round 0 is not committed yet")));
    }

    [Fact]
    public void Timeouts_are_retried_and_broken_rules_are_not()
    {
        Assert.True(TransientFailures.IsTransient(new AggregateException(new TimeoutException())));
        Assert.False(TransientFailures.IsTransient(new FormatException("malformed address")));
        Assert.False(TransientFailures.IsTransient(new InvalidOperationException("a broken rule")));
        Assert.False(TransientFailures.IsTransient(new NpgsqlException("not transient")));
    }
}
