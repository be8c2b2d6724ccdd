using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Which history events of a service go out on the bus. A history event and its bus message are the
/// same public record (contracts/), so publishing is a lookup by the stored event type.
/// </summary>
public sealed class OutboxRoutes
{
    /// <summary>The JSON shape Marten stores events in (camelCase, enums as strings).</summary>
    public static readonly JsonSerializerOptions HistoryJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Dictionary<string, Type> _byEventType = new(StringComparer.Ordinal);

    /// <summary>Only streams whose key starts with this prefix (the owning service's) are published.</summary>
    public required string StreamPrefix { get; init; }

    /// <summary>Name of this outbox's checkpoint and leader lock.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The least time between two stores of the outbox's checkpoint while events keep coming: each store is a commit of
    /// its own, and a restart publishes again at most this much of what was published before it.
    /// </summary>
    public TimeSpan StoreCheckpointEvery { get; set; } = TimeSpan.FromSeconds(1);

    public OutboxRoutes Publish<TMessage>() where TMessage : class
    {
        _byEventType[EventTypeName(typeof(TMessage))] = typeof(TMessage);
        return this;
    }

    public bool TryMap(StoredEvent stored, out object message, out Type messageType)
    {
        message = null!;
        messageType = null!;
        if (stored.Data is null || !_byEventType.TryGetValue(stored.EventType, out var type))
            return false;
        messageType = type;
        message = JsonSerializer.Deserialize(stored.Data, type, HistoryJson)
            ?? throw new InvalidOperationException($"History event {stored.Sequence} has empty data.");
        return true;
    }

    /// <summary>Marten's default event type name: the class name in snake_case.</summary>
    public static string EventTypeName(Type type) => JsonNamingPolicy.SnakeCaseLower.ConvertName(type.Name);
}
