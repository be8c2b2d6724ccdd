using System.Diagnostics;
using JasperFx.Events;
using Marten;
using Marten.Services;
using MassTransit;
using MassTransit.Logging;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Carries a trace across the store-as-outbox: each event keeps, in the history's <c>headers</c> column, the W3C
/// <c>traceparent</c> of the operation that appended it (a request, a consumed message), and the outbox sends it in
/// that trace. So one contribution's POST, the consumers it wakes, and theirs in turn are one trace.
/// </summary>
/// <remarks>
/// Without it the outbox, a background loop, sent every message as the root of a trace of its own. The header is
/// operational metadata: it is no part of an event's data, so neither the log's leaves nor any audit replay sees it.
/// The context keeps its sampled flag, so a trace dropped at the request stays dropped downstream (parent-based sampling).
/// </remarks>
public static class HistoryTraceContext
{
    /// <summary>The key in the event's headers, the header's name in W3C Trace Context.</summary>
    public const string Header = "traceparent";

    /// <summary>
    /// The operation's context as the outbox will continue it, or null outside an operation (a background loop's own
    /// appends, whose sends start traces of their own) or with an id that is not W3C.
    /// </summary>
    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts the span of work done for one stored event inside a batch (a message or a read carrying many), as a child
    /// of the context the event was appended in and linked to the batch's own span; null when the event carries none (the
    /// work then stays in the batch's trace). Events appended inside it carry its context on.
    /// </summary>
    public static Activity? StartContinuing(string? traceParent, string name)
    {
        if (traceParent is null || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
            return null;
        ActivityLink[]? batch = Activity.Current is { } current ? [new ActivityLink(current.Context)] : null;
        return CommunityTelemetry.ActivitySource.StartActivity(name, ActivityKind.Internal, parent, links: batch);
    }

    /// <summary>
    /// Carries the context of a stored event onto the events appended because of it, where a batch does the work of many
    /// outside any operation (a follower crediting scores): its send then continues that event's trace, with no span here.
    /// </summary>
    public static void Carry(StreamAction appended, string? traceParent)
    {
        if (traceParent is null)
            return;
        foreach (var @event in appended.Events)
            @event.SetHeader(Header, traceParent);
    }

    /// <summary>
    /// Gives the send of <paramref name="stored"/> the context it was appended in. MassTransit takes a send span's parent
    /// from this header when no activity is current, as the outbox's loop runs, the way its own outbox continues a
    /// trace; a recorded parent gets a send span that puts its own id there, an unrecorded one none, so the header goes
    /// out as stored and the consumer continues the drop.
    /// </summary>
    public static void Continue(StoredEvent stored, SendContext context)
    {
        if (stored.TraceParent is { } traceParent)
            context.Headers.Set(DiagnosticHeaders.ActivityId, traceParent);
    }
}

/// <summary>
/// Stamps every event a session appends with the current operation's trace context, just before the commit; an event
/// given a context of its own (<see cref="HistoryTraceContext.Carry"/>) keeps it.
/// </summary>
internal sealed class HistoryTraceListener : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        if (HistoryTraceContext.Current() is { } traceParent)
        {
            foreach (var stream in session.PendingChanges.Streams())
            {
                foreach (var @event in stream.Events)
                {
                    if (@event.Headers?.ContainsKey(HistoryTraceContext.Header) != true)
                        @event.SetHeader(HistoryTraceContext.Header, traceParent);
                }
            }
        }
        return Task.CompletedTask;
    }
}
