using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace CommunityAI.Testing;

/// <summary>
/// A message written by hand and published with a plain AMQP client, as anyone holding a broker login can: a
/// MassTransit envelope on the message type's fanout exchange, which MassTransit consumers accept as their own.
/// </summary>
public static class ForgedMessage
{
    /// <param name="broker">amqp:// URI, virtual host included.</param>
    /// <param name="messageType">The contract's type name, e.g. <c>ContributionScored</c> (namespace CommunityAI.Contracts).</param>
    /// <param name="messageId">The envelope's message id: a fresh one, or a real event's id to pass a forgery off as its notice.</param>
    /// <param name="body">The message itself, serialized camelCase as MassTransit does.</param>
    /// <param name="mustReachAQueue">True: fail unless some queue took the forgery (a forgery that reached no queue would prove
    /// nothing about its consumers). False: for a service that listens to no such notice, publish on the exchange anyway.</param>
    public static async Task PublishAsync(string broker, string messageType, Guid messageId, object body, bool mustReachAQueue = true)
    {
        var urn = "urn:message:CommunityAI.Contracts:" + messageType;
        var exchange = "CommunityAI.Contracts:" + messageType;
        var envelope = new Dictionary<string, object?>
        {
            ["messageId"] = messageId.ToString(),
            ["conversationId"] = Guid.NewGuid().ToString(),
            ["sourceAddress"] = "rabbitmq://attacker/forger",
            ["destinationAddress"] = "rabbitmq://attacker/" + exchange,
            ["messageType"] = new[] { urn },
            ["message"] = body,
            ["sentTime"] = DateTimeOffset.UtcNow,
            ["headers"] = new Dictionary<string, object>(),
            ["host"] = new { machineName = "forger", processName = "plain-amqp-client" },
        };
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web));
        var factory = new ConnectionFactory { Uri = new Uri(broker) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json",
            MessageId = messageId.ToString(),
            DeliveryMode = DeliveryModes.Persistent,
        };
        if (!mustReachAQueue) // declared as MassTransit declares a message type's exchange, so the publish cannot fail for want of it
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        await channel.BasicPublishAsync(exchange, "", mandatory: mustReachAQueue, properties, bytes);
    }
}
