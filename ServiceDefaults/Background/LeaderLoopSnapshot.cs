namespace CommunityAI.ServiceDefaults.Background;

/// <summary>A loop's state at one moment.</summary>
/// <param name="State">Where the loop stands.</param>
/// <param name="Since">When it entered that state (the failure streak's start while failing).</param>
/// <param name="Failures">Consecutive failures while failing; 0 otherwise.</param>
/// <param name="LastError">The last failure's message while failing.</param>
/// <param name="LastStep">While leading: when the job last finished a step, or began or ended a planned wait.</param>
/// <param name="Resting">While leading: the job is in a planned wait (<see cref="LeaderTerm.WaitAsync"/>), not in a step.</param>
public sealed record LeaderLoopSnapshot(LeaderLoopState State, DateTimeOffset Since, int Failures, string? LastError,
    DateTimeOffset LastStep = default, bool Resting = false);
