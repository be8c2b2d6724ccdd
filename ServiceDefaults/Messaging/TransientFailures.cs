using Npgsql;

namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>
/// Failures that say "not now" rather than "never": the database refused a connection (too many clients,
/// starting up, shutting down), dropped one mid-transaction, or timed out; or this service is stopping. A handler that failed this way
/// succeeds when tried again, and our handlers are idempotent, so trying again is always safe.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception)
    {
        // Marten wraps Npgsql's exceptions (MartenCommandException), so the cause may sit a few levels down.
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or TimeoutException)
                return true;
            // The service is shutting down under the handler (its data source or scope already disposed). Retrying is
            // right: the stop cancels the retry, and a cancelled message goes back to its queue for the next instance,
            // where a fault would have parked a genuine notice in the error queue for good.
            if (current is ObjectDisposedException or NotReadyException)
                return true;
            if (current is AggregateException aggregate)
                return aggregate.InnerExceptions.Any(IsTransient);
        }
        return false;
    }
}
