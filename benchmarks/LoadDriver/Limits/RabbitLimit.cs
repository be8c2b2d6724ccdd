using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace CommunityAI.Benchmarks.LoadDriver.Limits;

/// <summary>Raw broker rates on the same RabbitMQ: confirmed publishes and consumes of 1 KiB messages.</summary>
public static class RabbitLimit
{
    public static async Task<(double Publish, double Consume)> MeasureAsync(string amqpUri, int messages, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var queue = (await channel.QueueDeclareAsync("bench-" + Guid.NewGuid().ToString("N")[..8], durable: true, exclusive: false, autoDelete: false, cancellationToken: ct)).QueueName;
        var body = new byte[1024];
        var properties = new BasicProperties { Persistent = true };

        var publish = Stopwatch.StartNew();
        const int window = 100; // confirms awaited per 100 messages, as the outbox does per batch
        var pending = new List<ValueTask>(window);
        for (var i = 0; i < messages; i++)
        {
            pending.Add(channel.BasicPublishAsync("", queue, mandatory: false, properties, body, ct));
            if (pending.Count == window)
            {
                foreach (var p in pending)
                    await p;
                pending.Clear();
            }
        }
        foreach (var p in pending)
            await p;
        var publishRate = messages / publish.Elapsed.TotalSeconds;

        await using var consumerChannel = await connection.CreateChannelAsync(cancellationToken: ct);
        await consumerChannel.BasicQosAsync(0, 200, false, ct);
        var received = 0;
        var done = new TaskCompletionSource();
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false, ct);
            if (Interlocked.Increment(ref received) == messages)
                done.TrySetResult();
        };
        var consume = Stopwatch.StartNew();
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer, ct);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
        var consumeRate = messages / consume.Elapsed.TotalSeconds;
        await channel.QueueDeleteAsync(queue, cancellationToken: ct);
        return (publishRate, consumeRate);
    }
}
