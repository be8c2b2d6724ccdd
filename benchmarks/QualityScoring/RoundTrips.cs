using System.Diagnostics;

namespace CommunityAI.Benchmarks.QualityScoring;

/// <summary>
/// Counts the database commands (one round trip each; a transaction's COMMIT is not a command and comes on top) issued
/// while the service handles a message or a review, from Npgsql's and MassTransit's activities: a command counts when a
/// consume, or a review submitted under <see cref="Review"/>, is among its ancestors. The outbox and the benchmark's own
/// polling run outside both and are not counted.
/// </summary>
/// <remarks>
/// The service traces a command only inside an operation its sampler recorded (<c>DatabaseTracing</c>), so the handlers'
/// activities are sampled as recorded here; the commands' own stay propagation-only, so Npgsql builds no span text for
/// them. With every activity propagation-only, as this listener had it before that filter, no command was traced and the
/// benchmark printed 0.0 round trips for every phase (<see cref="Costs.PerItem"/> now refuses such a count).
/// </remarks>
internal sealed class RoundTrips : IDisposable
{
    private const string ReviewSource = "CommunityAI.Benchmarks.QualityScoring";
    private static readonly ActivitySource Reviews = new(ReviewSource);
    private readonly ActivityListener _listener;
    private long _commands;

    public RoundTrips()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "MassTransit" or ReviewSource,
            // Parent links are all the count needs: only the handlers are recorded, for the service's filter to trace inside them.
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => options.Source.Name == "Npgsql"
                ? ActivitySamplingResult.PropagationData
                : ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && InHandler(activity.Parent))
                    Interlocked.Increment(ref _commands);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public long Commands => Interlocked.Read(ref _commands);

    /// <summary>Marks the caller's work as handling one review until disposed.</summary>
    public static Activity? Review() => Reviews.StartActivity("review");

    private static bool InHandler(Activity? activity)
    {
        for (; activity is not null; activity = activity.Parent)
        {
            if (activity.Source.Name == ReviewSource || activity.Source.Name == "MassTransit" && activity.Kind == ActivityKind.Consumer)
                return true;
        }
        return false;
    }

    public void Dispose() => _listener.Dispose();
}
