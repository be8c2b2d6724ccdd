using System.Diagnostics;
using CommunityAI.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

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
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        while (await CountAsync(connection) < expected)
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"only {await CountAsync(connection)} of {expected} contents handed over within {limit}");
            await Task.Delay(50);
        }
        return clock.Elapsed;
    }

    private static async Task<uint> CountAsync(IConnection connection)
    {
        // A failed passive declare (the queue not declared yet) closes its channel, so each count has its own.
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(ScoringContent.QueueName)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }
}
