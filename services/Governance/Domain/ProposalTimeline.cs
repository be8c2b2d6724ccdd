namespace CommunityAI.Governance.Domain;

/// <summary>
/// A proposal's dates, all derived from its submission time and the parameters in force then, so anyone can
/// recompute them: voting opens after the delay, closes after the period (later if quorum came late), and a
/// passed proposal activates after the timelock.
/// </summary>
public sealed record ProposalTimeline(DateTimeOffset SubmittedAt, DateTimeOffset VotingStartsAt, DateTimeOffset VotingEndsAt,
    long LateQuorumExtensionSeconds, long TimelockSeconds)
{
    public static ProposalTimeline For(DateTimeOffset submittedAt, GovernanceParameters parameters)
    {
        var starts = submittedAt.AddSeconds(parameters.VotingDelaySeconds);
        return new ProposalTimeline(submittedAt, starts, starts.AddSeconds(parameters.VotingPeriodSeconds),
            parameters.LateQuorumExtensionSeconds, parameters.TimelockSeconds);
    }

    /// <summary>
    /// When voting really ends: as OpenZeppelin's GovernorPreventLateQuorum, a quorum first reached less than the
    /// extension before the end moves the end to the extension after that moment, so a last-minute whale leaves
    /// everyone else time to answer.
    /// </summary>
    public DateTimeOffset Deadline(DateTimeOffset? quorumReachedAt)
    {
        if (quorumReachedAt is not { } reached)
            return VotingEndsAt;
        var extended = reached.AddSeconds(LateQuorumExtensionSeconds);
        return extended > VotingEndsAt ? extended : VotingEndsAt;
    }

    /// <summary>When a proposal that passed at <paramref name="deadline"/> may activate.</summary>
    public DateTimeOffset ActivatesAt(DateTimeOffset deadline) => deadline.AddSeconds(TimelockSeconds);

    public bool AcceptsVotesAt(DateTimeOffset now, DateTimeOffset? quorumReachedAt) =>
        now >= VotingStartsAt && now < Deadline(quorumReachedAt);
}
