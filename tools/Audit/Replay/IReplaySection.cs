using CommunityAI.Audit.Commands;

namespace CommunityAI.Audit.Replay;

/// <summary>What one <see cref="IReplay"/> found: its findings (any one fails the replay) and how a person reads it.</summary>
internal interface IReplaySection
{
    /// <summary>Every difference, at the log index of the event it concerns.</summary>
    IReadOnlyList<ReplayDifference> Findings { get; }

    /// <summary>The section's tables (nothing in <c>--json</c>, where the section is serialized under its replay's name).</summary>
    void Print(AuditConsole console);
}
