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
