using System.Diagnostics;
using Npgsql;

namespace CommunityAI.ServiceDefaults.Telemetry;

/// <summary>
/// Which database commands become spans: only those run inside an operation already traced (a request, a consumed
/// message), where a span shows what a contribution waited on.
/// </summary>
/// <remarks>
/// The history feeds, outboxes and leader loops poll PostgreSQL with no trace around them: about 230 polls a second
/// across the services at rest, each a root span of its own that was exported and stored by the dashboard. That made
/// the dashboard the busiest process of an idle system (37–56% of a core) and told an operator nothing.
/// </remarks>
public static class DatabaseTracing
{
    public static NpgsqlDataSourceBuilder TraceOnlyInsideOperations(this NpgsqlDataSourceBuilder builder) =>
        builder.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            // Opening a pooled connection's socket is not an operation of its own either.
            .EnablePhysicalOpenTracing(false));
}
