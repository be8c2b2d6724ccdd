using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The guardian's veto from the Governance page, through the real governance service: a passed proposal in its
/// timelock, vetoed with a signed public reason, shown to everyone as vetoed. A class of its own: it waits out the
/// development rules' voting delay and period (30 s and 120 s) and must veto within the 60 s timelock.
/// </summary>
public sealed class GuardianVetoTests(GuardianSystem system) : IClassFixture<GuardianSystem>
{
    private const int Proposer = 6, Guardian = GuardianSystem.GuardianKey;
    private const string Reason = "Admits a validator nobody in the community has vetted.";
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task The_guardian_vetoes_a_passed_proposal_in_the_browser_with_a_public_reason_that_everyone_sees_and_nobody_else_can_veto()
    {
        // A passed proposal: the proposer earns a weight through the real ledger, proposes and votes for it alone.
        var earned = await Contributions.SubmitAsync(Api, Proposer, "A list of the harbour's mooring fees by boat length.");
        await Contributions.WaitForStatusAsync(Api, earned, "rewarded", "anchored");
        await Proposals.WaitForWeightAsync(Api, AnvilNode.DevAddresses[Proposer], BigInteger.Pow(10, 18));
        var proposal = await Proposals.ProposeAsync(Api, Proposer, "Admit a validator the guardian will stop");
        await Proposals.WaitForStateAsync(Api, proposal, "active");
        await Proposals.VoteAsync(Api, Proposer, proposal, support: 1);
        var queued = await Proposals.WaitForStateAsync(Api, proposal, "queued", TimeSpan.FromSeconds(200));
        Assert.Equal(AnvilNode.DevAddresses[Guardian], queued.GetProperty("guardian").GetString(), StringComparer.OrdinalIgnoreCase);

        // Anyone else's wallet is told who may veto, and is not offered the form.
        var other = await system.OpenAsync(walletAccount: Proposer);
        await other.GotoAsync($"/#/governance/{proposal}");
        await other.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await Assertions.Expect(other.Locator("#veto-hint")).ToContainTextAsync("unless the guardian");
        await Assertions.Expect(other.Locator("#veto-form")).ToHaveCountAsync(0);
        // The attack: someone else signs a veto as themselves and sends it past the page. Refused; nothing changed.
        using (var refused = await Proposals.VetoAsync(Api, Proposer, proposal, "I changed my mind"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("guardian", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var unchanged = await Api.GetFromJsonAsync<JsonElement>($"/api/proposals/{proposal}");
        Assert.Equal("queued", unchanged.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("vetoReason").ValueKind);

        // The guardian: without a reason nothing is signed or sent; with one, the wallet signs a Veto and the page shows it.
        var page = await system.OpenAsync(walletAccount: Guardian);
        await page.GotoAsync($"/#/governance/{proposal}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        var veto = page.GetByRole(AriaRole.Button, new() { Name = "Sign and veto" });
        await veto.ClickAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').length"));
        Assert.Equal("queued", await StateAsync(proposal));

        await page.GetByLabel("Public reason for the veto").FillAsync(Reason);
        await Screenshots.SaveAsync(page, "governance-veto-form");
        await veto.ClickAsync();
        await Assertions.Expect(page.Locator("#proposal-state")).ToHaveTextAsync("vetoed");
        await Assertions.Expect(page.Locator("#veto-reason")).ToHaveTextAsync(Reason);
        var signed = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').map(r => JSON.parse(r.params[1]).primaryType)");
        Assert.Equal(["Veto"], signed.EnumerateArray().Select(t => t.GetString() ?? "").ToArray());

        // The service recorded the guardian's veto with the reason as signed.
        var vetoed = await Api.GetFromJsonAsync<JsonElement>($"/api/proposals/{proposal}");
        Assert.Equal("vetoed", vetoed.GetProperty("state").GetString());
        Assert.Equal(Reason, vetoed.GetProperty("vetoReason").GetString());
        Assert.Equal(AnvilNode.DevAddresses[Guardian], vetoed.GetProperty("vetoedBy").GetString(), StringComparer.OrdinalIgnoreCase);

        // Everyone, without a wallet, sees it vetoed with the guardian's reason, in the list and on the proposal.
        var reader = await system.OpenAsync(walletAccount: null);
        await reader.GotoAsync($"/#/governance/{proposal}");
        await Assertions.Expect(reader.Locator("#veto-notice")).ToContainTextAsync("Vetoed by the guardian");
        await Assertions.Expect(reader.Locator("#veto-reason")).ToHaveTextAsync(Reason);
        await Assertions.Expect(reader.GetByRole(AriaRole.Row).Filter(new() { HasText = "Admit a validator the guardian will stop" }))
            .ToContainTextAsync("vetoed");
        Assert.DoesNotContain("null", await reader.Locator("#proposal").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(reader, "governance-veto");
        await Accessibility.AssertNoViolationAsync(reader);
        await Accessibility.AssertNoViolationAsync(page);
    }

    private async Task<string?> StateAsync(string proposal) =>
        (await Api.GetFromJsonAsync<JsonElement>($"/api/proposals/{proposal}")).GetProperty("state").GetString();
}
