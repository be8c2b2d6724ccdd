using System.Diagnostics;
using Npgsql;

namespace CommunityAI.ServiceDefaults.Telemetry;

/// <summary>
/// Which database commands become spans: only those run inside an operation already traced and recorded (a request, a
/// consumed message, in a trace the sampler kept), where a span shows what a contribution waited on.
/// </summary>
/// <remarks>
/// The history feeds, outboxes and leader loops poll PostgreSQL with no trace around them: about 230 polls a second
/// across the services at rest, each a root span of its own that was exported and stored by the dashboard. That made
/// the dashboard the busiest process of an idle system (37–56% of a core) and told an operator nothing. Inside an
/// operation the sampler dropped (nine in ten with the production overlay's sampling) the span would be dropped too,
/// but Npgsql builds its text first, the whole batch's SQL: 10% of what quality-scoring allocated under load.
/// COPY has a filter of its own in Npgsql: without it the log writer's two COPYs a batch were root spans, three for every
/// contribution under load (a twentieth of what the dashboard stored).
/// </remarks>
public static class DatabaseTracing
{
    public static NpgsqlDataSourceBuilder TraceOnlyInsideOperations(this NpgsqlDataSourceBuilder builder) =>
        builder.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is { Recorded: true })
            .ConfigureBatchFilter(_ => Activity.Current is { Recorded: true })
            .ConfigureCopyOperationFilter(_ => Activity.Current is { Recorded: true })
            // Opening a pooled connection's socket is not an operation of its own either.
            .EnablePhysicalOpenTracing(false));
}
