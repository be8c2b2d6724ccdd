using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Formats.Claims;
using CommunityAI.Governance.Domain;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Square-root weighting switched on by a passed governance-parameters vote, through the real service: later proposals
/// weigh each address by the integer square root of what it earned, a voter's page shows that weight beside the earned
/// amount and a claim proof that checks against the epoch's published root, and the audit's replay recomputes the tally
/// under it. A class of its own: it has its own database and clock.
/// </summary>
public sealed class SquareRootWeightingTests(GovernanceSystem system) : VotingTests(system)
{
    private static BigInteger Root(int tokens) => VotingPower.IntegerSquareRoot(tokens * GovernanceSystem.Token);

    [Fact]
    public async Task A_passed_vote_for_square_root_weighting_makes_later_weights_the_roots_of_what_was_earned()
    {
        var parameters = await ProposeAsync(1, new
        {
            version = 2, proposalThreshold = "1", votingDelaySeconds = 60, votingPeriodSeconds = 600, quorumBasisPoints = 500,
            rewardQuorumBasisPoints = 1500, lateQuorumExtensionSeconds = 60, timelockSeconds = 120, squareRootWeighting = true,
        }, "governance-parameters");
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await VoteAsync(System.Vote(2, parameters, 1)))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(120));
        await System.AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.Equal("activated", await StateAsync(parameters));

        // Keys 1-4 earned 1,000 / 300 / 100 / 50 tokens: the whole weight is now the sum of their roots.
        var later = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        var proposal = await System.GetAsync($"/api/proposals/{later}");
        Assert.Equal((Root(1_000) + Root(300) + Root(100) + Root(50)).ToString(), proposal.GetProperty("tally").GetProperty("totalWeight").GetString());

        // Anyone can check the weight: the earned amount and its claim proof against the epoch's root, and the root of that amount.
        var voter = await System.GetAsync($"/api/voters/{Address(2)}");
        var earned = BigInteger.Parse(voter.GetProperty("earned").GetString()!);
        Assert.Equal(300 * GovernanceSystem.Token, earned);
        Assert.Equal(proposal.GetProperty("snapshotClaimRoot").GetString(), voter.GetProperty("claimRoot").GetString());
        Assert.True(ClaimTree.Verify(voter.GetProperty("claimRoot").GetString()!, Address(2), earned,
            voter.GetProperty("claimProof").EnumerateArray().Select(p => p.GetString()!)));
        Assert.False(ClaimTree.Verify(voter.GetProperty("claimRoot").GetString()!, Address(2), earned + 1,
            voter.GetProperty("claimProof").EnumerateArray().Select(p => p.GetString()!)));
        Assert.Equal(Root(300).ToString(), voter.GetProperty("ownWeight").GetString());

        await System.AdvanceAsync(TimeSpan.FromSeconds(61));
        using (var vote = await VoteAsync(System.Vote(2, later, 1)))
        {
            var voteId = (await vote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            Assert.Equal(Root(300).ToString(), (await System.GetAsync($"/api/votes/{voteId}/receipt")).GetProperty("weight").GetString());
        }
        using (var vote = await VoteAsync(System.Vote(3, later, 0)))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(600));
        var decided = await System.GetAsync($"/api/proposals/{later}");
        Assert.Equal("queued", decided.GetProperty("state").GetString());
        Assert.Equal((Root(300).ToString(), Root(100).ToString()),
            (decided.GetProperty("tally").GetProperty("for").GetString(), decided.GetProperty("tally").GetProperty("against").GetString()));

        // The auditor recomputes both tallies from the history, the second under square roots and the parameters voted.
        var policies = await ReplayAsync();
        Assert.Empty(policies.GetProperty("findings").EnumerateArray());
        var tallies = policies.GetProperty("tallies").EnumerateArray().ToList();
        Assert.Equal(2, tallies.Count);
        Assert.All(tallies, t => Assert.True(t.GetProperty("matches").GetBoolean()));
        Assert.Equal(Root(300).ToString(), tallies[1].GetProperty("for").GetString());

        // The later proposal recorded as if it had been made without a timelock: not what version 2 says.
        await System.ExecuteAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{timelockSeconds}', to_jsonb(@at::bigint))
            WHERE stream_id = 'governance/proposals/{{later}}' AND type = 'proposal_submitted'
            """, "0");
        var found = (await ReplayAsync()).GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("what").GetString()).ToList();
        Assert.Contains("governance parameters", found);
    }

    private async Task<JsonElement> ReplayAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        await AuditApp.RunAsync(["replay", "--database", System.History, "--json"], output, error);
        return JsonDocument.Parse(output.ToString()).RootElement.GetProperty("policies");
    }
}
