using System.Diagnostics;
using CommunityAI.Contracts;
using CommunityAI.Testing;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// Waits until quality-scoring's private queue holds every accepted contribution's content (nobody consumes it in the
/// benchmark): the service's work for what it accepted goes on after the last answer, on the same cores, and a rate
/// that stopped the clock at the answers would not count it.
/// </summary>
public static class HandoffWait
{
    public static async Task<TimeSpan> UntilHandedOverAsync(string broker, long expected, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        await using var tap = await BrokerTap.ConnectAsync(broker);
        while (await tap.CountAsync(ScoringContent.QueueName) < expected)
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"only {await tap.CountAsync(ScoringContent.QueueName)} of {expected} contents handed over within {limit}");
            await Task.Delay(50);
        }
        return clock.Elapsed;
    }
}
