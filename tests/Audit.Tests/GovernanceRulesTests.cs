using System.Text.Json;
using CommunityAI.Audit.Policies;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// Each proposal must carry the governance parameters in force when it was submitted: the genesis set (the first
/// proposal's values, configuration not being in the history) until a parameters vote is activated, then that vote's.
/// </summary>
public sealed class GovernanceRulesTests
{
    // Genesis as in development: 30 s delay, 120 s vote, 30 s extension, 60 s timelock, quorum 4% (10% for rewards).
    private static JsonElement Submitted(string kind = "validator-admission", long version = 1, int delay = 30, int period = 120, int extension = 30,
        int timelock = 60, int quorum = 400, bool squareRoot = false)
    {
        var at = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        return JsonSerializer.SerializeToElement(new
        {
            kind, parametersVersion = version, submittedAt = at, votingStartsAt = at.AddSeconds(delay), votingEndsAt = at.AddSeconds(delay + period),
            lateQuorumExtensionSeconds = extension, timelockSeconds = timelock, quorumBasisPoints = quorum, squareRootWeighting = squareRoot,
        });
    }

    private const string Version2 = """
        {"lateQuorumExtensionSeconds":60,"proposalThreshold":"1","quorumBasisPoints":500,"rewardQuorumBasisPoints":1500,"squareRootWeighting":true,
         "timelockSeconds":120,"version":2,"votingDelaySeconds":60,"votingPeriodSeconds":600}
        """;

    [Fact]
    public void Proposals_under_genesis_carry_the_same_values_and_one_with_a_shorter_timelock_or_lower_quorum_is_found()
    {
        var rules = new GovernanceRules();
        Assert.Null(rules.Check(Submitted()));
        Assert.Null(rules.Check(Submitted("reward-policy", quorum: 1_000)));
        Assert.Null(rules.Check(Submitted()));
        Assert.Contains("timelock 0 where version 1 says 60", rules.Check(Submitted(timelock: 0)));
        Assert.Contains("reward quorum 400 where version 1 says 1000", rules.Check(Submitted("scoring-policy", quorum: 400)));
        Assert.Contains("voting period 60", rules.Check(Submitted(period: 60)));
    }

    [Fact]
    public void After_a_parameters_vote_proposals_carry_its_values_and_one_still_under_the_old_version_is_found()
    {
        var rules = new GovernanceRules();
        Assert.Null(rules.Check(Submitted("governance-parameters")));
        rules.Activated("governance-parameters", Version2);

        Assert.Null(rules.Check(Submitted(version: 2, delay: 60, period: 600, extension: 60, timelock: 120, quorum: 500, squareRoot: true)));
        Assert.Null(rules.Check(Submitted("reward-policy", version: 2, delay: 60, period: 600, extension: 60, timelock: 120, quorum: 1_500, squareRoot: true)));
        Assert.Contains("version 2 was in force", rules.Check(Submitted()));
        Assert.Contains("square-root weighting False", rules.Check(Submitted(version: 2, delay: 60, period: 600, extension: 60, timelock: 120, quorum: 500)));

        // An older version activated later changes nothing: the highest version activated is in force.
        rules.Activated("governance-parameters", Version2.Replace("\"version\":2", "\"version\":1", StringComparison.Ordinal));
        Assert.Null(rules.Check(Submitted(version: 2, delay: 60, period: 600, extension: 60, timelock: 120, quorum: 500, squareRoot: true)));
    }
}
