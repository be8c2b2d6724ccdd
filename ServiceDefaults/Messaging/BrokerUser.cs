using System.Text.RegularExpressions;

namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>RabbitMQ's three permission regexes of one user in one virtual host, each anchored at both ends.</summary>
/// <param name="Configure">Declare and delete queues and exchanges with these names.</param>
/// <param name="Write">Publish to these exchanges; be the destination of a binding (queue or exchange).</param>
/// <param name="Read">Consume from these queues; be the source exchange of a binding, so choose what reaches a queue.</param>
public sealed record BrokerPermissions(string Configure, string Write, string Read)
{
    /// <summary>No queue or exchange at all: the user may enter the virtual host and declare passively (read a queue's depth).</summary>
    public static BrokerPermissions None { get; } = new("^$", "^$", "^$");

    /// <summary>One anchored regex matching any of these patterns (none: nothing). RabbitMQ matches unanchored otherwise.</summary>
    public static string AnyOf(IEnumerable<string> patterns)
    {
        var alternatives = patterns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return alternatives.Count == 0 ? "^$" : "^(" + string.Join('|', alternatives) + ")$";
    }

    /// <summary>A pattern matching exactly this name.</summary>
    public static string Name(string name) => Regex.Escape(name);
}

/// <summary>
/// One service's RabbitMQ user and what its bus declares, publishes and consumes under MassTransit's conventions
/// (ServiceDefaults/Messaging/BusExtensions.cs): its receive endpoints are queues and fanout exchanges named
/// <c>{service}-…</c> (with <c>_error</c> and <c>_skipped</c> queues after them), each message type it publishes has the
/// fanout exchange <c>CommunityAI.Contracts:{Type}</c>, and a consumer binds that exchange of each type it consumes to
/// its endpoint.
/// </summary>
/// <param name="Service">The service's name and queue prefix (<c>quality-scoring</c>).</param>
/// <param name="User">Its broker login.</param>
/// <param name="Publishes">The event types it alone publishes.</param>
/// <param name="Consumes">The message types its consumers take (MassTransit declares and binds their exchanges).</param>
/// <param name="SendsTo">Another service's queues it sends to directly (MassTransit declares and binds them on send).</param>
public sealed record BrokerUser(string Service, string User, IReadOnlyList<Type> Publishes, IReadOnlyList<Type> Consumes, IReadOnlyList<string> SendsTo)
{
    /// <summary>Its own endpoints: queues, their exchanges, their error and skipped queues.</summary>
    public string OwnNames => BrokerPermissions.Name(Service + "-") + ".*";

    /// <summary>
    /// Configure: its own endpoints and the exchanges it declares (published and consumed types, queues it sends to).
    /// Write: its own endpoints and its own event types' exchanges only, so no other service's event can be forged.
    /// Read: its own queues and the exchanges of the types it consumes, so it can bind nothing else to a queue.
    /// </summary>
    /// <remarks>
    /// Configure also lets a user delete what it may declare: a consumer could delete the exchange of a type it consumes
    /// (an outage of notices, never a forged fact: the history stays the truth, and MassTransit declares it again).
    /// </remarks>
    public BrokerPermissions Permissions
    {
        get
        {
            var published = Publishes.Select(t => BrokerPermissions.Name(BrokerUsers.ExchangeOf(t))).ToList();
            var consumed = Consumes.Select(t => BrokerPermissions.Name(BrokerUsers.ExchangeOf(t))).ToList();
            var sent = SendsTo.Select(BrokerPermissions.Name).ToList();
            return new BrokerPermissions(
                BrokerPermissions.AnyOf([OwnNames, .. published, .. consumed, .. sent]),
                BrokerPermissions.AnyOf([OwnNames, .. published, .. sent]),
                BrokerPermissions.AnyOf([OwnNames, .. consumed, .. sent]));
        }
    }
}
