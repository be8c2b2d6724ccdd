using System.Net;
using System.Text.Json;
using CommunityAI.Audit.Commands;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// A quorum reached in the last seconds extends voting, through the real service: the others can still answer after the
/// original end, the outcome and the timelock run from the extended end, and the audit's replay of that history recomputes
/// the same end and timelock. When the history says otherwise (a queued date or an activation before the recomputed end
/// of the timelock), the replay names it. A class of its own: it has its own database and clock.
/// </summary>
public sealed class LateQuorumTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_quorum_reached_late_extends_voting_so_others_can_answer_and_the_replay_recomputes_the_extended_timeline()
    {
        // Development rules: voting from +30 s to +150 s, a 30 s late-quorum extension, a 60 s timelock; quorum 4% of 1,450 tokens.
        var id = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        var submitted = (await System.GetAsync($"/api/proposals/{id}")).GetProperty("timeline").GetProperty("submittedAt").GetDateTimeOffset();
        await System.AdvanceAsync(TimeSpan.FromSeconds(140));

        // Key 2's 300 tokens reach quorum 10 s before the end: voting now runs until 30 s after this vote.
        using (var vote = await VoteAsync(System.Vote(2, id, 1)))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        var timeline = (await System.GetAsync($"/api/proposals/{id}")).GetProperty("timeline");
        Assert.Equal(submitted.AddSeconds(150), timeline.GetProperty("votingEndsAt").GetDateTimeOffset());
        Assert.Equal(submitted.AddSeconds(170), timeline.GetProperty("deadline").GetDateTimeOffset());

        // Past the original end, the closer has run: the proposal is still open and key 3 can still answer.
        await System.AdvanceAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("active", await StateAsync(id));
        using (var vote = await VoteAsync(System.Vote(3, id, 0)))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);

        // After the extended end, votes are refused and the outcome is recorded with the extended end; the timelock runs from it.
        await System.AdvanceAsync(TimeSpan.FromSeconds(16));
        using (var late = await VoteAsync(System.Vote(4, id, 0)))
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var queued = await System.GetAsync($"/api/proposals/{id}");
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        Assert.Equal(submitted.AddSeconds(230), queued.GetProperty("timeline").GetProperty("activatesAt").GetDateTimeOffset());
        await System.AdvanceAsync(TimeSpan.FromSeconds(50)); // +221: still in the timelock of the extended end
        Assert.Equal("queued", await StateAsync(id));
        await System.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("activated", await StateAsync(id));

        var honest = await ReplayAsync();
        Assert.Empty(honest.GetProperty("findings").EnumerateArray());
        var tally = Assert.Single(honest.GetProperty("tallies").EnumerateArray());
        Assert.Equal((id, "succeeded", true), (tally.GetProperty("proposalId").GetString(), tally.GetProperty("recomputed").GetString(), tally.GetProperty("matches").GetBoolean()));

        // The history rewritten as if the vote had not been extended: governance's own queued date and an activation on it
        // agree with each other, and the replay still names both against the end it recomputes from the votes.
        await System.ExecuteAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{activatesAt}', to_jsonb(@at::text))
            WHERE stream_id = 'governance/proposals/{{id}}' AND type = 'proposal_queued'
            """, submitted.AddSeconds(210).ToString("O"));
        await System.ExecuteAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(data, '{activatedAt}', to_jsonb(@at::text))
            WHERE stream_id = 'governance/proposals/{{id}}' AND type = 'policy_activated'
            """, submitted.AddSeconds(210).ToString("O"));
        var tampered = (await ReplayAsync()).GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("what").GetString()).ToList();
        Assert.Equal(["timelock", "activation before the timelock"], tampered);
    }

    private async Task<JsonElement> ReplayAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        await AuditApp.RunAsync(["replay", "--database", System.History, "--json"], output, error);
        return JsonDocument.Parse(output.ToString()).RootElement.GetProperty("policies");
    }
}
