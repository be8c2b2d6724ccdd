using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace CommunityAI.Testing;

/// <summary>
/// A plain RabbitMQ.Client 7 connection, as a non-.NET partner would use: publishes raw JSON, reads public events from a
/// queue of its own bound to a message type's exchange, and counts or takes what waits in a service's queue.
/// </summary>
public sealed class BrokerTap : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BrokerTap(IConnection connection, IChannel channel) => (_connection, _channel) = (connection, channel);

    public static async Task<BrokerTap> ConnectAsync(string amqpUri)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
        return new BrokerTap(connection, await connection.CreateChannelAsync());
    }

    public async Task PublishRawAsync(string queue, string json, string? messageId = null)
    {
        var properties = new BasicProperties { ContentType = "application/json", MessageId = messageId, DeliveryMode = DeliveryModes.Persistent };
        // To the endpoint's exchange of that name, as the contract says (partner users may not use the default exchange).
        await _channel.BasicPublishAsync(queue, "", mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Binds a fresh queue to the public exchange of a message type (MassTransit's "Namespace:Type" fanout).</summary>
    public async Task<string> SubscribeAsync(string messageType)
    {
        var exchange = "CommunityAI.Contracts:" + messageType;
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await _channel.QueueDeclareAsync($"tap-{messageType}-{Guid.NewGuid():N}", durable: false, exclusive: false, autoDelete: false)).QueueName;
        await _channel.QueueBindAsync(queue, exchange, "");
        return queue;
    }

    /// <summary>Everything waiting in a queue: (AMQP message id, JSON body).</summary>
    public async Task<List<(string? MessageId, JsonElement Body)>> DrainAsync(string queue)
    {
        var messages = new List<(string?, JsonElement)>();
        while (await _channel.BasicGetAsync(queue, autoAck: true) is { } got)
            messages.Add((got.BasicProperties.MessageId, JsonDocument.Parse(got.Body).RootElement.Clone()));
        return messages;
    }

    /// <summary>Everything waiting in a queue, and nothing while the queue is not declared yet.</summary>
    public async Task<List<(string? MessageId, JsonElement Body)>> TakeWaitingAsync(string queue) =>
        await CountAsync(queue) == 0 ? [] : await DrainAsync(queue);

    /// <summary>Messages ready in a queue; 0 while the queue does not exist (a failed passive declare closes its channel, so it gets its own).</summary>
    public async Task<uint> CountAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
