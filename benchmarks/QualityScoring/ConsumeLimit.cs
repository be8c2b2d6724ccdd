using System.Diagnostics;
using CommunityAI.Contracts;
using MassTransit;

namespace CommunityAI.Benchmarks.QualityScoring;

/// <summary>
/// The limit: the same messages published the same way and consumed by a consumer that does nothing, on the same broker
/// with the same prefetch as the service.
/// </summary>
internal static class ConsumeLimit
{
    public static async Task<double> MeasureAsync(string broker, IReadOnlyList<ContributionSubmitted> messages)
    {
        var consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(broker));
            rabbit.PrefetchCount = 200;
            rabbit.ReceiveEndpoint("bench-plain-consumer", e => e.Handler<ContributionSubmitted>(_ =>
            {
                if (Interlocked.Increment(ref consumed) == messages.Count)
                    done.TrySetResult();
                return Task.CompletedTask;
            }));
        });
        await bus.StartAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            await Publisher.PublishAllAsync(bus, messages);
            await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
            return messages.Count / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}

internal static class Publisher
{
    /// <param name="eventIds">The history event id of each contribution (by contribution id), sent as its message id as the outbox does.</param>
    public static async Task PublishAllAsync(IBus bus, IReadOnlyList<ContributionSubmitted> messages, IReadOnlyDictionary<string, Guid>? eventIds = null)
    {
        foreach (var chunk in messages.Chunk(200))
            await Task.WhenAll(chunk.Select(m => eventIds is null
                ? bus.Publish(m)
                : bus.Publish(m, context => context.MessageId = eventIds[m.ContributionId])));
    }
}
