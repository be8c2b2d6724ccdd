using System.Text.Json;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Whether a bus message is a true notice of a history event. Anyone holding a broker login can publish any message
/// type with any body, so a message is only a pointer: its id must be a stored event's id (the outbox publishes with
/// message id = event id), that event must be of the message's type and in the producer's streams, and the body must
/// be the event's data. Pure: the stored row is read by <see cref="HistoryFacts"/>.
/// </summary>
public static class HistoryFactCheck
{
    /// <summary>The message carried no message id, so it cannot name an event.</summary>
    public const string NoMessageId = "no-message-id";

    /// <summary>No event of the history has the message's id.</summary>
    public const string NotInHistory = "not-in-history";

    /// <summary>The event with that id is of another type.</summary>
    public const string WrongType = "wrong-type";

    /// <summary>The event lives outside the producing service's streams.</summary>
    public const string ForeignStream = "foreign-stream";

    /// <summary>The message's body is not the event's data (a forged copy of a real notice).</summary>
    public const string BodyDiffers = "body-differs";

    /// <param name="message">The body as received.</param>
    /// <param name="stored">The event with the message's id, or null when the history has none.</param>
    /// <param name="producerStreamPrefix">The producing service's stream prefix (<c>scoring/</c>, <c>ledger/</c>, …).</param>
    /// <returns>The event's data as the message type, or the reason the message is refused.</returns>
    public static (T? Fact, string? Refusal) Decide<T>(T message, StoredEvent? stored, string producerStreamPrefix) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(producerStreamPrefix);
        if (stored?.Data is null)
            return (null, NotInHistory);
        if (!string.Equals(stored.EventType, OutboxRoutes.EventTypeName(typeof(T)), StringComparison.Ordinal))
            return (null, WrongType);
        if (!stored.StreamKey.StartsWith(producerStreamPrefix, StringComparison.Ordinal))
            return (null, ForeignStream);

        // A stored event that does not read as its own type is a damaged history: failing is louder than refusing.
        var fact = JsonSerializer.Deserialize<T>(stored.Data, OutboxRoutes.HistoryJson)
            ?? throw new InvalidOperationException($"history event {stored.Id} ({stored.EventType}) has no data");
        // Both written by one serializer from one type: equal text is equal content, whatever the wire's key order,
        // and a field the message type does not know is ignored on both sides.
        var sameBody = string.Equals(
            JsonSerializer.Serialize(fact, OutboxRoutes.HistoryJson),
            JsonSerializer.Serialize(message, OutboxRoutes.HistoryJson),
            StringComparison.Ordinal);
        return sameBody ? (fact, null) : (null, BodyDiffers);
    }
}
