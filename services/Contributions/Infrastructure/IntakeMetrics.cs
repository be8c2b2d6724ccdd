using CommunityAI.ServiceDefaults.Telemetry;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Contributions newly stored, by the way they came in (<c>http</c>, <c>http-batch</c>, <c>bus</c>, <c>bus-batch</c>): the
/// accepted side of what operators watch, whichever door a contribution used. A replay of something already stored is
/// not counted again; refusals are counted where they are answered (<see cref="CommunityMetrics.RequestsRefused"/>).
/// </summary>
internal static class IntakeMetrics
{
    public static void Stored(string path, AppendOutcome outcome)
    {
        if (outcome is AppendOutcome.Stored)
            Add(path, 1);
    }

    public static void Stored(string path, IEnumerable<BatchItemOutcome> outcomes) =>
        Add(path, outcomes.Count(o => o is BatchItemOutcome.Appended { Outcome: AppendOutcome.Stored }));

    private static void Add(string path, int count)
    {
        if (count > 0)
            CommunityMetrics.ContributionsAccepted.Add(count, new KeyValuePair<string, object?>("path", path));
    }
}
