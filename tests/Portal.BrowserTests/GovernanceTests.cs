using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// Voting and delegating from the Governance page. A class of its own (its own system): it waits out the development
/// rules' 30 s voting delay, and weights come from epochs the real ledger closes.
/// </summary>
public sealed class GovernanceTests(GovernanceSystem system) : IClassFixture<GovernanceSystem>
{
    private const int Proposer = 6, Voter = 7;
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task A_vote_signed_in_the_wallet_is_counted_in_the_tally_with_the_voters_weight_and_a_delegation_is_recorded()
    {
        // Weights are earned for real: a rewarded contribution each, then a closed epoch of the ledger.
        string[] earned =
        [
            await Contributions.SubmitAsync(Api, Proposer, "The proposer's contribution: a table of tide heights for the harbour."),
            await Contributions.SubmitAsync(Api, Voter, "The voter's contribution: a glossary of terms used in the harbour's tide tables."),
        ];
        foreach (var id in earned)
            await Contributions.WaitForStatusAsync(Api, id, "rewarded", "anchored");
        await Proposals.WaitForWeightAsync(Api, AnvilNode.DevAddresses[Proposer], BigInteger.Pow(10, 18));
        var weight = await Proposals.WaitForWeightAsync(Api, AnvilNode.DevAddresses[Voter], BigInteger.One);

        var proposal = await Proposals.ProposeAsync(Api, Proposer, "Admit a validator from the portal");
        await Proposals.WaitForStateAsync(Api, proposal, "active");

        var page = await system.OpenAsync(walletAccount: Voter);
        await page.GotoAsync($"/#/governance/{proposal}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        var units = weight.ToString(CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#own-weight")).ToHaveAttributeAsync("data-units", units);
        await Assertions.Expect(page.Locator("#tally-for")).ToHaveAttributeAsync("data-units", "0");

        await page.GetByRole(AriaRole.Radio, new() { Name = "For" }).CheckAsync();
        await page.GetByLabel("Reason (optional)").FillAsync("Reviews need more hands.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and vote" }).ClickAsync();
        await Assertions.Expect(page.Locator("#vote-receipt")).ToContainTextAsync("Your vote is counted");
        await Assertions.Expect(page.Locator("#receipt-weight")).ToHaveAttributeAsync("data-units", units);
        await Assertions.Expect(page.Locator("#tally-for")).ToHaveAttributeAsync("data-units", units);

        // The service counted the wallet's vote, with the weight of the voter's earnings.
        var counted = await Api.GetFromJsonAsync<JsonElement>($"/api/proposals/{proposal}");
        Assert.Equal(units, counted.GetProperty("tally").GetProperty("for").GetString());
        Assert.Equal(1, counted.GetProperty("votes").GetInt32());
        var requests = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').map(r => JSON.parse(r.params[1]).primaryType)");
        Assert.Equal(["Vote"], requests.EnumerateArray().Select(t => t.GetString() ?? "").ToArray());
        await Screenshots.SaveAsync(page, "governance-vote");
        await Accessibility.AssertNoSeriousViolationAsync(page);

        // Delegating: the wallet signs a Delegation and the voter's record names the delegate.
        await page.GetByLabel("Delegate my weight to").FillAsync(AnvilNode.DevAddresses[Proposer]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign delegation" }).ClickAsync();
        await Assertions.Expect(page.Locator("#delegation-message")).ToContainTextAsync("Delegated to");
        var voter = await Api.GetFromJsonAsync<JsonElement>($"/api/voters/{AnvilNode.DevAddresses[Voter]}");
        Assert.Equal(AnvilNode.DevAddresses[Proposer], voter.GetProperty("delegate").GetString(), StringComparer.OrdinalIgnoreCase);
        var delegated = await Api.GetFromJsonAsync<JsonElement>($"/api/voters/{AnvilNode.DevAddresses[Proposer]}");
        Assert.Equal(units, delegated.GetProperty("delegatedWeight").GetString());

        // A reward-policy proposal reads as what it would change against the policy in force, not as a document.
        var current = await Api.GetFromJsonAsync<JsonElement>("/api/policies/current");
        var data = BigInteger.Parse(current.GetProperty("basePerKind").GetProperty("data").GetString()!, CultureInfo.InvariantCulture);
        var halved = (data / 2).ToString(CultureInfo.InvariantCulture);
        var basePerKind = current.GetProperty("basePerKind").EnumerateObject().ToDictionary(k => k.Name, k => k.Name == "data" ? halved : k.Value.GetString()!);
        var version = current.GetProperty("version").GetInt64() + 1;
        var rewards = await Proposals.ProposeAsync(Api, Proposer, "Halve the data reward", "reward-policy", new
        {
            version, basePerKind, zeroBelowScore = current.GetProperty("zeroBelowScore").GetInt32(), scoreExponent = current.GetProperty("scoreExponent").GetInt32(),
            capPerAddressPerEpoch = current.GetProperty("capPerAddressPerEpoch").GetString(),
            fallbackShareBasisPoints = current.GetProperty("fallbackShareBasisPoints").GetInt32(),
            unseenContentShareBasisPoints = current.GetProperty("unseenContentShareBasisPoints").GetInt32(),
        }, "Data is plentiful now; feedback is not.");
        await page.GotoAsync($"/#/governance/{rewards}");
        var diff = page.Locator("#payload-diff");
        await Assertions.Expect(diff).ToContainTextAsync("It changes 2 of the");
        await Assertions.Expect(diff.Locator("[data-setting='basePerKind.data']")).ToHaveTextAsync(halved);
        await Assertions.Expect(diff.GetByRole(AriaRole.Row).Filter(new() { HasText = "basePerKind.data" })).ToContainTextAsync(data.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(diff.Locator("[data-setting='version']")).ToHaveTextAsync(version.ToString(CultureInfo.InvariantCulture));
        await Screenshots.SaveAsync(page, "governance-diff");
        await Accessibility.AssertNoSeriousViolationAsync(page);

        // So does a change of the governance rules themselves, against the rules in force.
        var rules = await Api.GetFromJsonAsync<JsonElement>("/api/proposals/parameters");
        var longer = rules.GetProperty("votingPeriodSeconds").GetInt64() * 2;
        var parameters = await Proposals.ProposeAsync(Api, Proposer, "Longer votes", "governance-parameters", new
        {
            version = rules.GetProperty("version").GetInt64() + 1, proposalThreshold = rules.GetProperty("proposalThreshold").GetString(),
            votingDelaySeconds = rules.GetProperty("votingDelaySeconds").GetInt64(), votingPeriodSeconds = longer,
            quorumBasisPoints = rules.GetProperty("quorumBasisPoints").GetInt32(), rewardQuorumBasisPoints = rules.GetProperty("rewardQuorumBasisPoints").GetInt32(),
            lateQuorumExtensionSeconds = rules.GetProperty("lateQuorumExtensionSeconds").GetInt64(), timelockSeconds = rules.GetProperty("timelockSeconds").GetInt64(),
            squareRootWeighting = rules.GetProperty("squareRootWeighting").GetBoolean(),
        }, "More time to read.");
        await page.GotoAsync($"/#/governance/{parameters}");
        await Assertions.Expect(page.Locator("#payload-diff")).ToContainTextAsync("It changes 2 of the 9 settings");
        await Assertions.Expect(page.Locator("#payload-diff [data-setting='votingPeriodSeconds']")).ToHaveTextAsync(longer.ToString(CultureInfo.InvariantCulture));
    }
}
