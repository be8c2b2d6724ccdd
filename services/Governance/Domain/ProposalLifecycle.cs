namespace CommunityAI.Governance.Domain;

/// <summary>
/// A proposal's state at a moment, from its timeline, its tally and the outcome events the history holds.
/// Pure: the service and an auditor's replay call the same function.
/// </summary>
public static class ProposalLifecycle
{
    /// <param name="vetoed">The guardian's veto was recorded.</param>
    /// <param name="activated">Activation was recorded.</param>
    public static ProposalState StateAt(ProposalTimeline timeline, Tally tally, DateTimeOffset now, bool vetoed, bool activated)
    {
        if (activated)
            return ProposalState.Activated;
        if (vetoed)
            return ProposalState.Vetoed;
        if (now < timeline.VotingStartsAt)
            return ProposalState.Pending;
        if (now < timeline.Deadline(tally.QuorumReachedAt))
            return ProposalState.Active;
        return tally.Passes ? ProposalState.Queued : ProposalState.Defeated;
    }

    /// <summary>Whether the guardian may still veto: only while the proposal waits out its timelock.</summary>
    public static bool CanVeto(ProposalTimeline timeline, Tally tally, DateTimeOffset now, bool vetoed, bool activated) =>
        StateAt(timeline, tally, now, vetoed, activated) == ProposalState.Queued
        && now < timeline.ActivatesAt(timeline.Deadline(tally.QuorumReachedAt));

    /// <summary>Whether activation is due: passed, not vetoed, and the timelock is over.</summary>
    public static bool CanActivate(ProposalTimeline timeline, Tally tally, DateTimeOffset now, bool vetoed, bool activated) =>
        StateAt(timeline, tally, now, vetoed, activated) == ProposalState.Queued
        && now >= timeline.ActivatesAt(timeline.Deadline(tally.QuorumReachedAt));
}
