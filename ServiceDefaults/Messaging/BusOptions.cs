using System.ComponentModel.DataAnnotations;

namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>How each service's consumers take work from the broker (section "Bus").</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>Unacknowledged messages the broker may push to each receive endpoint.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 200;

    /// <summary>
    /// Messages each receive endpoint handles at once. Every handler holds a database connection, so this, not
    /// the prefetch, bounds a service's connections when a backlog arrives (after a broker outage, every
    /// message queued meanwhile is delivered at once).
    /// </summary>
    [Range(1, 1_000)]
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>
    /// How long a message whose handler failed for a passing reason (the database away or refusing connections) keeps
    /// being retried in place before it goes to the error queue. Cover a database restart or failover.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TransientRetryWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest a background publisher (an outbox, the log notices) or a handler's send (the content handoff to
    /// scoring) waits for the broker to confirm one message before it gives up: a publisher publishes again from its
    /// checkpoint, a handler is retried in place. See <see cref="ConfirmedPublisher"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PublishConfirmTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a service's start waits for the broker (its connection, queues and bindings). Past it the start fails
    /// and the process exits to be restarted, instead of a service that never finishes starting and says nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
