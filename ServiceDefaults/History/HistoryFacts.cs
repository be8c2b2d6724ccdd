using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// What a consumer of a history event acts on: the event as the store holds it, never the message body. A message
/// the history does not back (see <see cref="HistoryFactCheck"/>) is refused: the consumer changes nothing, the refusal
/// is counted (<see cref="RefusedCounterName"/>, tagged with the message type and reason) and logged once with where
/// the message came from, never with its body.
/// </summary>
/// <remarks>
/// A refused message is acknowledged, not parked in an error queue: it is hostile or stale, not a failure that a
/// retry or an operator could cure, and parking it would let anyone holding a broker login fill the broker's disk.
/// A genuine notice always finds its event, since the outbox publishes only what committed.
/// </remarks>
public sealed partial class HistoryFacts(NpgsqlDataSource dataSource, ILogger<HistoryFacts> logger)
{
    /// <summary>The counter of refused messages in the <see cref="CommunityTelemetry.MeterName"/> meter.</summary>
    public const string RefusedCounterName = "communityai.bus.messages_refused";

    private static readonly Counter<long> Refused = CommunityTelemetry.Meter.CreateCounter<long>(
        RefusedCounterName, "{message}", "Bus messages refused because the history does not hold them as sent");

    // By the unique index on the event id (HistoryStoreExtensions), so a flood of forged ids costs index lookups only.
    private static readonly string LoadSql = $"""
        SELECT seq_id, id, stream_id, version, type, timestamp, data::text
        FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE id = @id
        """;

    /// <summary>
    /// The history's copy of the event <paramref name="context"/> announces, or null (counted and logged) when the
    /// history does not hold it under the producer's streams exactly as sent.
    /// </summary>
    /// <param name="producerStreamPrefix">The stream prefix of the only service that records this event type.</param>
    public async Task<T?> LoadAsync<T>(ConsumeContext<T> context, string producerStreamPrefix) where T : class =>
        await LoadStoredAsync(context, producerStreamPrefix) is { } found ? found.Fact : null;

    /// <summary>
    /// As <see cref="LoadAsync{T}"/>, with the event's global sequence number: where it stands in the history (and the
    /// log) relative to other events, for decisions that depend on what preceded it.
    /// </summary>
    public async Task<(T Fact, long Sequence)?> LoadStoredAsync<T>(ConsumeContext<T> context, string producerStreamPrefix) where T : class
    {
        string? refusal;
        T? fact = null;
        StoredEvent? stored = null;
        if (context.MessageId is not { } id)
            refusal = HistoryFactCheck.NoMessageId;
        else
            (fact, refusal) = HistoryFactCheck.Decide(context.Message, stored = await FindAsync(id, context.CancellationToken), producerStreamPrefix);
        if (refusal is null && fact is not null && stored is not null)
            return (fact, stored.Sequence);
        refusal ??= HistoryFactCheck.NoMessageId;

        var type = typeof(T).Name;
        Refused.Add(1, new KeyValuePair<string, object?>("message_type", type), new KeyValuePair<string, object?>("reason", refusal));
        LogRefused(type, context.MessageId, refusal, context.SourceAddress, context.Host?.MachineName, context.Host?.ProcessName,
            context.ReceiveContext.InputAddress, context.ConversationId);
        return null;
    }

    /// <summary>The stored event with id <paramref name="eventId"/>, or null when the history has none.</summary>
    public async Task<StoredEvent?> FindAsync(Guid eventId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(LoadSql);
        command.Parameters.AddWithValue("id", eventId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new StoredEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused {MessageType} message {MessageId}: {Reason}; sent from {SourceAddress} by host {SenderMachine} process {SenderProcess}, received on {InputAddress}, conversation {ConversationId}")]
    private partial void LogRefused(string messageType, Guid? messageId, string reason, Uri? sourceAddress, string? senderMachine,
        string? senderProcess, Uri? inputAddress, Guid? conversationId);
}
