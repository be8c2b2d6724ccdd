using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>Governance with an allowance of 3 signed requests per signer per hour.</summary>
public sealed class ThrottledGovernanceSystem : GovernanceSystem
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
        [new("Governance:SignedRequestsPerSigner", "3"), new("Governance:SignedRequestWindow", "01:00:00")];
}

/// <summary>
/// Each signer's allowance of signed proposals, votes and delegations is counted after the signature check: requests
/// claiming someone's address under another key are refused (401) and use nothing of theirs; past the allowance the
/// signer gets 429 and nothing is recorded.
/// </summary>
public sealed class SignerQuotaTests(ThrottledGovernanceSystem system) : IClassFixture<ThrottledGovernanceSystem>
{
    private static string Address(int key) => AnvilNode.DevAddresses[key];

    [Fact]
    public async Task A_signers_allowance_is_theirs_alone_and_past_it_nothing_is_recorded()
    {
        _ = system.Services;
        await system.CloseEpochAsync(0, new Dictionary<string, BigInteger> { [Address(1)] = 1_000 * GovernanceSystem.Token });

        // Someone holding key 2 claims to be key 1, five times.
        for (var i = 0; i < 5; i++)
        {
            var message = new DelegationPayload(Address(1), Address(3 + i % 2), system.NextNonce(),
                (ulong)system.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds());
            using var forged = await system.Api.PostAsJsonAsync("/api/delegations", new
            {
                delegator = message.Delegator, delegatee = message.Delegatee, nonce = message.Nonce, deadline = message.Deadline,
                signature = TypedDataSigner.Sign(message, GovernanceSystem.Domain, AnvilNode.DevPrivateKeys[2]),
            });
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        // Key 1's own three requests are all taken; the fourth, of another kind, is over the allowance.
        foreach (var delegatee in new[] { 3, 4, 3 })
        {
            using var delegated = await system.Api.PostAsJsonAsync("/api/delegations", system.Delegation(1, Address(delegatee)));
            Assert.True(delegated.IsSuccessStatusCode, await delegated.Content.ReadAsStringAsync());
        }
        var problem = await RefusalTests.RefusedAsync(system, "/api/proposals",
            system.Proposal(1, "validator-admission", new { validator = GovernanceSystem.RandomAddress() }), HttpStatusCode.TooManyRequests);
        Assert.Equal("signature", problem.GetProperty("field").GetString());
    }
}

/// <summary>
/// A request refused as malformed (400) changes nothing, the signer's allowance included: otherwise anyone could spend
/// their own allowance on nothing, and a buggy wallet would lock its owner out. A class of its own: its own allowances.
/// </summary>
public sealed class MalformedRequestQuotaTests(ThrottledGovernanceSystem system) : IClassFixture<ThrottledGovernanceSystem>
{
    private static string Address(int key) => AnvilNode.DevAddresses[key];

    [Fact]
    public async Task Malformed_proposals_and_votes_use_nothing_of_the_signers_allowance()
    {
        _ = system.Services;
        await system.CloseEpochAsync(0, new Dictionary<string, BigInteger> { [Address(5)] = 1_000 * GovernanceSystem.Token });

        // Key 5 signs ten proposals whose payloads no service could apply, and ten votes no tally could count: all 400.
        for (var i = 0; i < 10; i++)
        {
            await RefusalTests.RefusedAsync(system, "/api/proposals",
                system.Proposal(5, "validator-admission", new { validator = "0x" + new string('0', 40) }), HttpStatusCode.BadRequest);
            var vote = JsonSerializer.SerializeToNode(system.Vote(5, "0x" + new string('a', 64), 1))!.AsObject();
            vote["support"] = 7;
            await RefusalTests.RefusedAsync(system, "/api/votes", vote, HttpStatusCode.BadRequest);
        }

        // Its allowance of three is whole: three valid proposals are taken, and only a fourth is over it.
        for (var i = 0; i < 3; i++)
        {
            using var proposed = await system.Api.PostAsJsonAsync("/api/proposals",
                system.Proposal(5, "validator-admission", new { validator = GovernanceSystem.RandomAddress() }));
            Assert.True(proposed.StatusCode == HttpStatusCode.Created, await proposed.Content.ReadAsStringAsync());
        }
        await RefusalTests.RefusedAsync(system, "/api/proposals",
            system.Proposal(5, "validator-admission", new { validator = GovernanceSystem.RandomAddress() }), HttpStatusCode.TooManyRequests);
    }
}

/// <summary>
/// Proposals, votes and delegations are published with their signatures, so anyone can send one again. Before, each
/// replay took one of the signer's allowance: a few replays of a published request locked its signer out of governance
/// for the window (a voter kept from voting on anything else before a deadline). The identical request again is
/// answered as recorded and gives its allowance back. A class of its own: its own allowances.
/// </summary>
public sealed class ReplayedRequestQuotaTests(ThrottledGovernanceSystem system) : IClassFixture<ThrottledGovernanceSystem>
{
    private static string Address(int key) => AnvilNode.DevAddresses[key];

    [Fact]
    public async Task Replaying_a_signers_published_proposal_and_vote_uses_none_of_its_allowance()
    {
        _ = system.Services;
        await system.CloseEpochAsync(0, new Dictionary<string, BigInteger> { [Address(6)] = 1_000 * GovernanceSystem.Token });
        var proposal = system.Proposal(6, "validator-admission", new { validator = GovernanceSystem.RandomAddress() });
        using (var proposed = await system.Api.PostAsJsonAsync("/api/proposals", proposal))
            Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        await system.AdvanceAsync(TimeSpan.FromSeconds(31));
        var vote = system.Vote(6, GovernanceSystem.ProposalId(proposal), 1);
        using (var voted = await system.Api.PostAsJsonAsync("/api/votes", vote))
            Assert.Equal(HttpStatusCode.Created, voted.StatusCode);

        // The attack: each published request sent again more times than the whole allowance (3).
        for (var i = 0; i < 4; i++)
        {
            using var proposedAgain = await system.Api.PostAsJsonAsync("/api/proposals", proposal);
            Assert.Equal(HttpStatusCode.OK, proposedAgain.StatusCode);
            using var votedAgain = await system.Api.PostAsJsonAsync("/api/votes", vote);
            Assert.Equal(HttpStatusCode.OK, votedAgain.StatusCode);
        }

        // The signer still has the one left of its three: the next request is recorded, the one after is refused.
        using (var third = await system.Api.PostAsJsonAsync("/api/delegations", system.Delegation(6, Address(3))))
            Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        await RefusalTests.RefusedAsync(system, "/api/delegations", system.Delegation(6, Address(4)), HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Replaying_a_signers_published_delegation_uses_none_of_its_allowance()
    {
        _ = system.Services;
        var delegation = system.Delegation(7, Address(3));
        using (var delegated = await system.Api.PostAsJsonAsync("/api/delegations", delegation))
            Assert.Equal(HttpStatusCode.Created, delegated.StatusCode);
        for (var i = 0; i < 4; i++)
        {
            using var delegatedAgain = await system.Api.PostAsJsonAsync("/api/delegations", delegation);
            Assert.Equal(HttpStatusCode.OK, delegatedAgain.StatusCode);
        }

        // Two of its three are left; past them a request is refused, a replay included (it would take what is not there).
        foreach (var delegatee in new[] { 4, 3 })
        {
            using var next = await system.Api.PostAsJsonAsync("/api/delegations", system.Delegation(7, Address(delegatee)));
            Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        }
        await RefusalTests.RefusedAsync(system, "/api/delegations", delegation, HttpStatusCode.TooManyRequests);
    }
}
