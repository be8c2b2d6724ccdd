using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats;
using CommunityAI.Testing;
using Nethereum.Web3;

namespace CommunityAI.EndToEndTests;

public sealed class ClaimTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_rewarded_contributor_claims_the_tokens_on_chain_with_the_ledgers_proof_and_only_once()
    {
        var (id, body) = SignedContributions.Make(keyIndex: 4, nonce: 1, "a contribution worth claiming");
        (await system.Contributions.PostAsJsonAsync("/api/contributions", body)).EnsureSuccessStatusCode();
        await Eventually.MatchesAsync(() => system.Contributions.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            s => s.GetProperty("status").GetString() is "rewarded" or "anchored", "the contribution to be rewarded");

        // The epoch closes, the ledger serves a proof, and the chain-bridge has published that epoch's root.
        var account = AnvilNode.DevAddresses[4];
        var chain = await system.DeploymentAsync();
        var distributor = new DistributorContract(new Web3(system.Chain.RpcUrl), chain.DistributorContract);
        var claim = await Eventually.MatchesAsync(async () =>
        {
            var response = await system.RewardLedger.GetAsync($"/api/claims/{account}");
            if (!response.IsSuccessStatusCode)
                return null;
            var view = await response.Content.ReadFromJsonAsync<JsonElement>();
            var onChain = await distributor.GetLatestRootAsync();
            return Hex.Encode(onChain.Root) == view.GetProperty("root").GetString() ? view : (JsonElement?)null;
        }, c => c is not null, "a claim whose root the distributor has published", TimeSpan.FromSeconds(90));

        var amount = BigInteger.Parse(claim!.Value.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var proof = claim.Value.GetProperty("proof").EnumerateArray().Select(h => Hex.Decode(h.GetString()!, 32)).ToList();
        Assert.True(amount > 0);

        // Anyone may send the claim; the tokens go to the account. A second claim pays nothing.
        using var sender = TransactionSender.Create(system.Chain.RpcUrl, AnvilNode.DevPrivateKeys[5], AnvilNode.ChainId);
        var paying = new DistributorContract(sender, chain.DistributorContract);
        var receipt = await paying.ClaimAsync(account, amount, proof);
        Assert.Equal(amount, receipt.Paid);
        Assert.Equal(amount, await paying.ClaimedAsync(account));
        await Assert.ThrowsAsync<ContractRevertedException>(() => paying.ClaimAsync(account, amount, proof));
    }
}
