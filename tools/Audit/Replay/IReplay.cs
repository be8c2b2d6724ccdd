using CommunityAI.Audit.History;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// One kind of fact <c>replay</c> recomputes: fed every event of the history once, in log order, then finished into its
/// section of the report. Adding a kind of fact is adding one class that implements this (and its section), and naming
/// it once in <see cref="HistoryReplay"/>.
/// </summary>
internal interface IReplay
{
    /// <summary>The section's member in <c>replay --json</c> (for example <c>settlements</c>); unique among the replays.</summary>
    string Name { get; }

    void Add(LogEvent e);

    IReplaySection Finish();
}
