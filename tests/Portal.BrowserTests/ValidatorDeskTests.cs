using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>The validator desk: an assigned validator reads the content, commits, and (after a reload) reveals its review.</summary>
public sealed class ValidatorDeskTests(ValidatorDeskSystem system) : IClassFixture<ValidatorDeskSystem>
{
    private const int Validator = 8, Contributor = 9;
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task An_address_the_community_did_not_admit_is_told_so_and_registers_nothing()
    {
        const int stranger = 1;
        var page = await system.OpenAsync(walletAccount: stranger);
        await page.GotoAsync("/#/validator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register as a validator" }).ClickAsync();

        await Assertions.Expect(page.Locator("#registration-message")).ToContainTextAsync("validator-admission proposal");
        using var lookup = await Api.GetAsync($"/api/validators/{AnvilNode.DevAddresses[stranger]}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, lookup.StatusCode);
        await Accessibility.AssertNoSeriousViolationAsync(page);
    }

    [Fact]
    public async Task An_assigned_validator_reads_the_content_commits_and_reveals_and_its_score_closes_the_case()
    {
        var validator = AnvilNode.DevAddresses[Validator];
        // The admitted validator registers from the page: one ValidatorRegistration signed in the wallet.
        var page = await system.OpenAsync(walletAccount: Validator);
        await page.GotoAsync("/#/validator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register as a validator" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No open assignments.")).ToBeVisibleAsync();
        using (var lookup = await Api.GetAsync($"/api/validators/{validator}"))
            Assert.True(lookup.IsSuccessStatusCode, "the page's registration is on record");

        const string text = "Annotated tide tables for the harbour, checked against the port authority's gauge.";
        var id = await Contributions.SubmitAsync(Api, Contributor, text);
        await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/validators/{validator}/assignments"),
            a => a.EnumerateArray().Any(x => string.Equals(x.GetProperty("contributionId").GetString(), id, StringComparison.OrdinalIgnoreCase)),
            $"{id} to be assigned to {validator}", TimeSpan.FromSeconds(60));

        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await page.Locator($"a[href='#/validator/{id}']").ClickAsync();

        // The content, read with a signed ContentRead and its hash checked in the page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Read the content" }).ClickAsync();
        await Assertions.Expect(page.Locator("#content-text")).ToContainTextAsync(text);
        await Assertions.Expect(page.Locator("#content-hash-check")).ToHaveClassAsync("ok");

        await page.GetByLabel("Score (0–100)").FillAsync("80");
        await page.GetByLabel("Verdict").SelectOptionAsync("accept");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and commit" }).ClickAsync();
        await Assertions.Expect(page.Locator("#review-message")).ToContainTextAsync("Committed");
        var salt = await page.EvaluateAsync<string>($"() => JSON.parse(localStorage.getItem('communityai:sealed-review:{id}')).salt");
        // The service holds the commitment, not the salt, the score or the verdict.
        var sealedCase = await Api.GetStringAsync($"/api/scoring/{id}");
        Assert.DoesNotContain(salt[2..], sealedCase, StringComparison.OrdinalIgnoreCase);
        await Screenshots.SaveAsync(page, "validator-desk");
        await Accessibility.AssertNoSeriousViolationAsync(page);

        // The salt survives a reload (it lives in the browser's storage), and the reveal opens the commitment.
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and reveal" }).ClickAsync();
        await Assertions.Expect(page.Locator("#review-message")).ToContainTextAsync("Revealed");
        Assert.True(await page.EvaluateAsync<bool>($"() => localStorage.getItem('communityai:sealed-review:{id}') === null"));

        var scored = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}"),
            c => c.GetProperty("scored").ValueKind == JsonValueKind.Object, $"{id} to be scored", TimeSpan.FromSeconds(30));
        Assert.Equal(80, scored.GetProperty("scored").GetProperty("components").GetProperty("consensusScore").GetInt32());
        var methods = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').map(r => JSON.parse(r.params[1]).primaryType)");
        Assert.Equal(["Review"], methods.EnumerateArray().Select(t => t.GetString() ?? "").ToArray());
    }
}
