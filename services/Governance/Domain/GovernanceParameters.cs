using System.Numerics;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// The rules of voting, themselves changed only by a passed <c>governance-parameters</c> proposal. Durations are
/// whole seconds so an auditor recomputes the same timeline; weights are token base units (18 decimals).
/// </summary>
/// <param name="Version">Strictly greater than every earlier version.</param>
/// <param name="ProposalThreshold">Voting weight needed to submit a proposal.</param>
/// <param name="VotingDelaySeconds">From submission to the start of voting (time to read and delegate).</param>
/// <param name="VotingPeriodSeconds">How long votes are taken.</param>
/// <param name="QuorumBasisPoints">Share of the total weight at the snapshot that must vote For or Abstain (1/10,000ths).</param>
/// <param name="RewardQuorumBasisPoints">The same for proposals that change how tokens are earned (scoring and reward policies).</param>
/// <param name="LateQuorumExtensionSeconds">When quorum is first reached later than this before the end, voting runs this long after that moment.</param>
/// <param name="TimelockSeconds">From a passed vote to activation; the guardian may veto in between.</param>
/// <param name="SquareRootWeighting">Count the integer square root of each address's earned amount instead of the amount.</param>
public sealed record GovernanceParameters(
    long Version,
    BigInteger ProposalThreshold,
    long VotingDelaySeconds,
    long VotingPeriodSeconds,
    int QuorumBasisPoints,
    int RewardQuorumBasisPoints,
    long LateQuorumExtensionSeconds,
    long TimelockSeconds,
    bool SquareRootWeighting)
{
    private const long Year = 365L * 24 * 3600;

    /// <summary>In the spirit of OpenZeppelin Governor deployments: 2-day delay, 5-day vote, 4% quorum (10% for rewards), 2-day timelock.</summary>
    public static GovernanceParameters Production { get; } = new(
        1, BigInteger.Pow(10, 18), 2 * 86_400, 5 * 86_400, 400, 1_000, 86_400, 2 * 86_400, SquareRootWeighting: false);

    /// <summary>Minutes instead of days, so a newcomer can run a whole vote on a laptop.</summary>
    public static GovernanceParameters Development { get; } = Production with
    {
        VotingDelaySeconds = 30,
        VotingPeriodSeconds = 120,
        LateQuorumExtensionSeconds = 30,
        TimelockSeconds = 60,
    };

    /// <summary>The rules a parameter set breaks, by field name; empty when it is valid.</summary>
    public IReadOnlyDictionary<string, string> Problems()
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Version < 1)
            problems["version"] = "a version is 1 or more";
        if (ProposalThreshold < 0)
            problems["proposalThreshold"] = "the proposal threshold is not negative";
        if (VotingDelaySeconds is < 0 or > Year)
            problems["votingDelaySeconds"] = "the voting delay is between 0 seconds and a year";
        if (VotingPeriodSeconds is < 60 or > Year)
            problems["votingPeriodSeconds"] = "the voting period is between a minute and a year";
        if (QuorumBasisPoints is < 1 or > 10_000)
            problems["quorumBasisPoints"] = "the quorum is between 1 and 10000 basis points";
        if (RewardQuorumBasisPoints < QuorumBasisPoints || RewardQuorumBasisPoints > 10_000)
            problems["rewardQuorumBasisPoints"] = "the reward quorum is between the quorum and 10000 basis points";
        if (LateQuorumExtensionSeconds < 0 || LateQuorumExtensionSeconds > VotingPeriodSeconds)
            problems["lateQuorumExtensionSeconds"] = "the late-quorum extension is between 0 and the voting period";
        if (TimelockSeconds is < 0 or > Year)
            problems["timelockSeconds"] = "the timelock is between 0 seconds and a year";
        return problems;
    }

    /// <summary>The quorum that applies to a proposal of this kind, in basis points.</summary>
    public int QuorumFor(string kind) => ProposalKind.ChangesRewards(kind) ? RewardQuorumBasisPoints : QuorumBasisPoints;
}
