using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Signing;
using CommunityAI.Governance.Infrastructure;
using CommunityAI.ServiceDefaults.Database;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Base of the voting tests: whole votes through the real service: signed proposals and votes over HTTP, weights from the ledger's credits in the
/// history, the closer recording outcomes as the (test's) clock passes the deadline and the timelock.
/// Development rules: 30 s delay, 120 s vote, 30 s late-quorum extension, 60 s timelock, quorum 4%.
/// </summary>
public abstract class VotingTests(GovernanceSystem system) : IClassFixture<GovernanceSystem>, IAsyncLifetime
{
    protected GovernanceSystem System { get; } = system;

    protected static string Address(int key) => AnvilNode.DevAddresses[key];

    // Keys 1-4 earned 1,000 / 300 / 100 / 50 tokens by epoch 0; key 5 earned nothing.
    public virtual async Task InitializeAsync()
    {
        _ = System.Services; // starts governance, which creates the history's tables
        if (await System.CountEventsAsync("ledger/epochs/") > 0)
            return;
        await System.CloseEpochAsync(0, new Dictionary<string, BigInteger>
        {
            [Address(1)] = 1_000 * GovernanceSystem.Token,
            [Address(2)] = 300 * GovernanceSystem.Token,
            [Address(3)] = 100 * GovernanceSystem.Token,
            [Address(4)] = 50 * GovernanceSystem.Token,
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected static object NewParameters(long version) => new
    {
        version, proposalThreshold = "1", votingDelaySeconds = 60, votingPeriodSeconds = 600, quorumBasisPoints = 500,
        rewardQuorumBasisPoints = 1500, lateQuorumExtensionSeconds = 60, timelockSeconds = 120, squareRootWeighting = false,
    };

    protected async Task<string> ProposeAsync(int key, object payload, string kind = "validator-admission")
    {
        var proposal = System.Proposal(key, kind, payload);
        using var response = await System.Api.PostAsJsonAsync("/api/proposals", proposal);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(GovernanceSystem.ProposalId(proposal), id);
        return id;
    }

    protected async Task<HttpResponseMessage> VoteAsync(object vote) => await System.Api.PostAsJsonAsync("/api/votes", vote);

    protected async Task<string> StateAsync(string id) => (await System.GetAsync($"/api/proposals/{id}")).GetProperty("state").GetString()!;
}

/// <summary>A passed governance-parameters proposal, through its timelock to activation. A class of its own: it has its own database and clock.</summary>
public sealed class ParameterChangeTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_passed_vote_is_queued_then_activates_after_the_timelock_and_the_new_rules_apply_to_later_proposals()
    {
        // What a proposal is set beside: the genesis rules, in the payload's own terms.
        var genesis = await System.GetAsync("/api/proposals/parameters");
        Assert.Equal((1, 120, "1000000000000000000"), (genesis.GetProperty("version").GetInt64(),
            genesis.GetProperty("votingPeriodSeconds").GetInt64(), genesis.GetProperty("proposalThreshold").GetString()));
        var id = await ProposeAsync(1, NewParameters(2), "governance-parameters");
        Assert.Equal("pending", await StateAsync(id));

        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await VoteAsync(System.Vote(2, id, 1, "more time to read")))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        using (var vote = await VoteAsync(System.Vote(3, id, 0)))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        Assert.Equal("active", await StateAsync(id));

        await System.AdvanceAsync(TimeSpan.FromSeconds(120));
        var queued = await System.GetAsync($"/api/proposals/{id}");
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        Assert.Equal((300 * GovernanceSystem.Token).ToString(), queued.GetProperty("tally").GetProperty("for").GetString());
        Assert.Equal((100 * GovernanceSystem.Token).ToString(), queued.GetProperty("tally").GetProperty("against").GetString());

        await System.AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.Equal("activated", await StateAsync(id));
        var rules = await System.Services.GetRequiredService<ParametersBook>().InForceAsync(default);
        Assert.Equal(2, rules.Version);
        Assert.Equal(600, rules.VotingPeriodSeconds);
        var served = await System.GetAsync("/api/proposals/parameters");
        Assert.Equal((2, 600), (served.GetProperty("version").GetInt64(), served.GetProperty("votingPeriodSeconds").GetInt64()));

        // A proposal submitted now runs on the activated rules: 60 s delay, 600 s vote.
        var later = await ProposeAsync(1, new { validator = Address(7) });
        var timeline = (await System.GetAsync($"/api/proposals/{later}")).GetProperty("timeline");
        Assert.Equal(TimeSpan.FromSeconds(660),
            timeline.GetProperty("votingEndsAt").GetDateTimeOffset() - timeline.GetProperty("submittedAt").GetDateTimeOffset());
    }
}

/// <summary>Two parameter votes activated out of version order. A class of its own: it has its own database and clock.</summary>
public sealed class ParameterOrderTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task An_older_parameters_version_activated_after_a_newer_one_does_not_take_it_back()
    {
        // Both made under the genesis rules: version 3 first, version 2 ten seconds later, so 3 activates first.
        var newer = await ProposeAsync(1, NewParameters(3), "governance-parameters");
        await System.AdvanceAsync(TimeSpan.FromSeconds(10));
        var older = await ProposeAsync(1, NewParameters(2), "governance-parameters");
        await System.AdvanceAsync(TimeSpan.FromSeconds(21));
        using (var vote = await VoteAsync(System.Vote(2, newer, 1)))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(10));
        using (var vote = await VoteAsync(System.Vote(2, older, 1)))
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);

        await System.AdvanceAsync(TimeSpan.FromSeconds(175)); // +216: version 3 out of its timelock (+210), version 2 not (+220)
        Assert.Equal(("activated", "queued"), (await StateAsync(newer), await StateAsync(older)));
        await System.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("activated", await StateAsync(older));

        var rules = await System.Services.GetRequiredService<ParametersBook>().InForceAsync(default);
        Assert.Equal(3, rules.Version);
        var later = await ProposeAsync(1, new { validator = Address(7) });
        Assert.Equal(3, (await System.GetAsync($"/api/proposals/{later}")).GetProperty("parametersVersion").GetInt64());
    }
}

/// <summary>Quorum not reached, and majority against. A class of its own: it has its own database and clock.</summary>
public sealed class DefeatTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task Without_quorum_or_with_more_against_a_proposal_is_defeated_and_never_activates()
    {
        var lonely = await ProposeAsync(4, new { validator = Address(8) });
        await System.AdvanceAsync(TimeSpan.FromSeconds(1)); // so the list's newest-first order is the order they were made
        var opposed = await ProposeAsync(4, new { validator = Address(9) });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        // Key 4 alone holds 50 of 1,450 tokens: 3.4%, under whatever quorum is in force.
        using (var vote = await VoteAsync(System.Vote(4, lonely, 1))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        using (var vote = await VoteAsync(System.Vote(4, opposed, 1))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        using (var vote = await VoteAsync(System.Vote(2, opposed, 0))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);

        await System.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal("defeated", await StateAsync(lonely));
        Assert.Equal("defeated", await StateAsync(opposed));
        await System.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(0, await System.CountEventsOfTypeAsync("policy_activated", lonely));
        Assert.Equal(0, await System.CountEventsOfTypeAsync("policy_activated", opposed));

        // The list filters on the state now, newest first, a page at a time; a state or page that does not exist is a 400.
        async Task<List<string?>> IdsAsync(string query)
        {
            using var response = await System.Api.GetAsync("/api/proposals?" + query);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{query}: {response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        }
        Assert.Equal([opposed, lonely], await IdsAsync("state=defeated"));
        Assert.Empty(await IdsAsync("state=active"));
        Assert.Equal([lonely], await IdsAsync("state=defeated&page=2&pageSize=1"));
        Assert.Empty(await IdsAsync($"page={int.MaxValue}&pageSize=1"));
        foreach (var bad in new[] { "state=won", "state=1", "page=0", "pageSize=1000" })
            using (var response = await System.Api.GetAsync("/api/proposals?" + bad))
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {response.StatusCode}");
    }
}

/// <summary>Delegation, override and revocation. A class of its own: it has its own database and clock.</summary>
public sealed class DelegationTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_delegate_votes_with_delegated_weight_and_a_delegator_who_votes_takes_it_back()
    {
        using (var delegation = await System.Api.PostAsJsonAsync("/api/delegations", System.Delegation(2, Address(4))))
            Assert.Equal(HttpStatusCode.Created, delegation.StatusCode);
        using (var delegation = await System.Api.PostAsJsonAsync("/api/delegations", System.Delegation(3, Address(4))))
            Assert.Equal(HttpStatusCode.Created, delegation.StatusCode);
        var voter = await System.GetAsync($"/api/voters/{Address(4)}");
        Assert.Equal((400 * GovernanceSystem.Token).ToString(), voter.GetProperty("delegatedWeight").GetString());
        Assert.NotEmpty(voter.GetProperty("claimProof").EnumerateArray());

        var id = await ProposeAsync(1, new { validator = Address(6) });
        // Revoking after submission changes nothing for this proposal: its delegations were fixed when it was submitted.
        using (var revoke = await System.Api.PostAsJsonAsync("/api/delegations", System.Delegation(3, CommunityAI.Formats.Signing.Address.Zero)))
            Assert.Equal(HttpStatusCode.Created, revoke.StatusCode);
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await VoteAsync(System.Vote(4, id, 1))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        using (var vote = await VoteAsync(System.Vote(2, id, 0))) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);

        var tally = (await System.GetAsync($"/api/proposals/{id}")).GetProperty("tally");
        Assert.Equal((150 * GovernanceSystem.Token).ToString(), tally.GetProperty("for").GetString()); // 50 own + 100 from key 3
        Assert.Equal((300 * GovernanceSystem.Token).ToString(), tally.GetProperty("against").GetString()); // key 2 voted itself

        using (var revoke = await System.Api.PostAsJsonAsync("/api/delegations", System.Delegation(2, CommunityAI.Formats.Signing.Address.Zero)))
            Assert.Equal(HttpStatusCode.Created, revoke.StatusCode);
    }
}

/// <summary>Weights are fixed at the snapshot. A class of its own: it has its own database and clock.</summary>
public sealed class SnapshotTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task Credits_earned_after_the_snapshot_change_no_weight_on_an_open_proposal()
    {
        var id = await ProposeAsync(1, new { validator = Address(5) });
        var before = (await System.GetAsync($"/api/proposals/{id}")).GetProperty("tally").GetProperty("totalWeight").GetString();
        // Key 5 earns a fortune in the next epoch, closed after the proposal was submitted.
        await System.CloseEpochAsync(1, new Dictionary<string, BigInteger> { [Address(5)] = 1_000_000 * GovernanceSystem.Token });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));

        using var vote = await VoteAsync(System.Vote(5, id, 1));
        Assert.Equal(HttpStatusCode.Forbidden, vote.StatusCode);
        Assert.Equal(before, (await System.GetAsync($"/api/proposals/{id}")).GetProperty("tally").GetProperty("totalWeight").GetString());
    }
}

/// <summary>Vote receipts. A class of its own: it has its own database and clock.</summary>
public sealed class ReceiptTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_vote_has_a_receipt_naming_its_place_in_the_history()
    {
        var id = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using var vote = await VoteAsync(System.Vote(3, id, 2, "abstaining on purpose"));
        var voteId = (await vote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var receipt = await System.GetAsync($"/api/votes/{voteId}/receipt");
        Assert.Equal(id, receipt.GetProperty("proposalId").GetString());
        Assert.Equal(2, receipt.GetProperty("support").GetInt32());
        Assert.Equal("governance/proposals/" + id, receipt.GetProperty("stream").GetString());
        Assert.True(receipt.GetProperty("sequence").GetInt64() > 0);
    }

    /// <summary>
    /// Receipts read by many people at once, beside other reads on the same connection pool. The receipt once disposed
    /// its reader twice; the second came after the connection had gone back to the pool, and closed the reader of
    /// whichever request had taken that connection (answered 500: "another read operation is pending").
    /// </summary>
    [Fact]
    public async Task Receipts_read_at_the_same_moment_as_other_reads_are_each_answered()
    {
        // The receipt asks the log for the vote's index where chain-bridge's tables exist, as in a whole deployment.
        await using (var chainBridge = Npgsql.NpgsqlDataSource.Create(System.LoginOf(ServiceRoles.ChainBridge)))
            await LogSchema.EnsureAsync(chainBridge, default);
        var id = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        using var vote = await VoteAsync(System.Vote(3, id, 1, ""));
        var voteId = (await vote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var start = new SemaphoreSlim(0);
        var reads = Enumerable.Range(0, 400).Select(async i =>
        {
            await start.WaitAsync();
            var path = i % 2 == 0 ? $"/api/votes/{voteId}/receipt" : $"/api/proposals/{id}";
            using var response = await System.Api.GetAsync(path);
            return (path, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToArray();
        start.Release(reads.Length);

        foreach (var (path, status, body) in await Task.WhenAll(reads))
            Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {body}");
    }
}
