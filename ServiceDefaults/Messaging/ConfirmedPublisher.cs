using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>
/// Publishes (or sends) and waits for the broker's confirm, but never longer than
/// <see cref="BusOptions.PublishConfirmTimeout"/>; a stop lets a publish already begun finish, for up to
/// <see cref="StopGrace"/>.
/// </summary>
/// <remarks>
/// RabbitMQ.Client 7 can leave a publisher confirm pending for ever when the broker dies mid-publish
/// (rabbitmq/rabbitmq-dotnet-client#1930, still open for 7.2.2): the connection recovers, consumers come back, and
/// the publish that was in flight never returns. A background publisher awaiting it stops for good. Seen in the
/// broker-crash fault test: the contributions outbox and the chain-bridge's log notices were still waiting on a publish
/// when the test gave up three minutes later, and nothing submitted after the crash was scored. Bounded, the wait for
/// the hung publish fails (the publish itself may still finish later: its fault is logged), the leader loop backs off,
/// and the next term publishes again from its checkpoint; the consumers are idempotent, so a message the broker did
/// take is absorbed. A handler's send fails the same way, as a transient
/// failure (<see cref="TransientFailures"/>), and is tried again in place.
/// </remarks>
public sealed partial class ConfirmedPublisher(IBus bus, IOptions<BusOptions> options, ILogger<ConfirmedPublisher> logger)
{
    public Task PublishAsync(object message, Type type, Action<PublishContext> configure, CancellationToken ct) =>
        WithinLimitAsync(type, limited => bus.Publish(message, type, configure, limited), ct);

    public Task PublishAsync<T>(T message, CancellationToken ct) where T : class =>
        PublishAsync(message, typeof(T), static _ => { }, ct);

    /// <summary>Sends to a queue (from a consumer, through its context) under the same bound.</summary>
    public Task SendAsync<T>(ISendEndpointProvider sender, Uri address, T message, CancellationToken ct) where T : class =>
        WithinLimitAsync(typeof(T), async limited => await (await sender.GetSendEndpoint(address)).Send(message, limited), ct);

    /// <summary>How long a publish already begun may still wait for its confirm once its caller stops.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private async Task WithinLimitAsync(Type type, Func<CancellationToken, Task> publish, CancellationToken ct)
    {
        // A stop (a service shutting down, a leader's term ending) keeps new publishes from beginning but lets
        // one begun finish: cancelled while it waits for its confirm, MassTransit logs an error-level send fault
        // (S-FAULT) for every message in flight, so a shutdown that caught an outbox mid-batch read as a broker
        // failure, though nothing was lost (the checkpoint had not moved). On a healthy broker the confirm takes
        // milliseconds; StopGrace bounds the wait for one that does not come.
        ct.ThrowIfCancellationRequested();
        var limit = options.Value.PublishConfirmTimeout;
        var began = Stopwatch.GetTimestamp();
        using var bounded = new CancellationTokenSource(limit);
        using var stopping = ct.Register(() => bounded.CancelAfter(Shorter(StopGrace, limit - Stopwatch.GetElapsedTime(began))));
        Task? publishing = null;
        try
        {
            // The token alone does not bound it: with the broker blocking publishers (a memory alarm), MassTransit
            // returned about 20 s after a 3 s limit, long after it was cancelled. The wait ends at the limit; a publish
            // still in flight then finishes or fails on its own, and the consumers absorb a message the broker took.
            publishing = publish(bounded.Token);
            await publishing.WaitAsync(bounded.Token);
        }
        catch (Exception ex) when (bounded.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Given up on, not stopped: how the publish ends is logged, not left to the unobserved-exception handler.
            _ = publishing?.ContinueWith(static (t, state) => LogAbandonedFailed((ILogger)state!, t.Exception!.GetBaseException().Message),
                logger, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new TimeoutException($"The broker did not confirm a {type.Name} within {limit.TotalSeconds:0.#} s (Bus:PublishConfirmTimeout)", ex);
        }
    }

    private static TimeSpan Shorter(TimeSpan grace, TimeSpan left) => left < TimeSpan.Zero ? TimeSpan.Zero : left < grace ? left : grace;

    [LoggerMessage(Level = LogLevel.Debug, Message = "A publish given up on at Bus:PublishConfirmTimeout failed later: {Reason}")]
    private static partial void LogAbandonedFailed(ILogger logger, string reason);
}
