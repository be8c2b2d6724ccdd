using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// A contributor appeals a low score from the contribution's page with their wallet; the second round's validator, who
/// did not review it the first time, decides, and the page shows the new score. Nobody else gets the form.
/// </summary>
public sealed class AppealTests(AppealSystem system) : IClassFixture<AppealSystem>
{
    private const int Contributor = 3;
    private static readonly int[] Validators = [8, 9];
    private static readonly ulong Deadline = (ulong)DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task A_contributor_appeals_from_the_page_and_a_fresh_validator_decides_the_new_score()
    {
        foreach (var key in Validators)
            await RegisterAsync(key);
        var id = await Contributions.SubmitAsync(Api, Contributor, "A glossary of tide terms, with the harbour's own usage noted.");
        var first = await AssignedAsync(id, Validators);
        await ReviewAsync(first, id, score: 10, verdict: "reject");
        await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            v => v.GetProperty("score").ValueKind == JsonValueKind.Number, $"{id} to be scored", TimeSpan.FromSeconds(60));

        // A visitor sees that the contributor may appeal, not a form.
        var visitor = await system.OpenAsync(walletAccount: null);
        await visitor.GotoAsync($"/#/contribute/{id}");
        await Assertions.Expect(visitor.Locator("#appeal")).ToContainTextAsync("The contributor can appeal this score", new() { Timeout = 30_000 });
        Assert.Equal(0, await visitor.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).CountAsync());

        // The contributor signs the Appeal in the wallet.
        var page = await system.OpenAsync(walletAccount: Contributor);
        await page.GotoAsync($"/#/contribute/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await page.GetByLabel("Why the score is wrong").FillAsync("The glossary is accurate and sourced; the reviewer misread it.");
        await Accessibility.AssertNoSeriousViolationAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).ClickAsync();
        await Assertions.Expect(page.Locator("#appeal-message")).ToContainTextAsync("Appeal filed: 1 validators drawn", new() { Timeout = 30_000 });
        var signed = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').map(r => JSON.parse(r.params[1]).primaryType)");
        Assert.Equal(["Appeal"], signed.EnumerateArray().Select(t => t.GetString() ?? "").ToArray());

        // The other validator, drawn for the second round, reviews; its consensus is the new score.
        var second = await AssignedAsync(id, Validators.Where(v => v != first).ToArray());
        await ReviewAsync(second, id, score: 85, verdict: "accept");
        await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            v => v.TryGetProperty("appeal", out var a) && a.ValueKind == JsonValueKind.Object && a.GetProperty("outcome").ValueKind == JsonValueKind.String,
            $"{id}'s appeal to be decided", TimeSpan.FromSeconds(60));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#appeal-state")).ToContainTextAsync("decided: the score is now", new() { Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "appeal");
    }

    private async Task RegisterAsync(int key)
    {
        var payload = new ValidatorRegistrationPayload(AnvilNode.DevAddresses[key], 1, Deadline);
        using var response = await Api.PostAsJsonAsync("/api/validators", new
        {
            payload.Validator, payload.Nonce, payload.Deadline, signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Which of <paramref name="candidates"/> holds an open assignment for the contribution.</summary>
    private async Task<int> AssignedAsync(string id, int[] candidates) =>
        await Eventually.MatchesAsync(async () =>
        {
            foreach (var key in candidates)
            {
                var open = await Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}/assignments");
                if (open.EnumerateArray().Any(a => string.Equals(a.GetProperty("contributionId").GetString(), id, StringComparison.OrdinalIgnoreCase)))
                    return key;
            }
            return -1;
        }, key => key >= 0, $"{id} to be assigned to one of {string.Join(", ", candidates)}", TimeSpan.FromSeconds(60));

    /// <summary>A validator's whole review, as its desk sends it: the signed commitment, then the signed reveal.</summary>
    private async Task ReviewAsync(int key, string id, int score, string verdict)
    {
        var validator = AnvilNode.DevAddresses[key];
        var salt = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var commit = new ReviewCommitPayload(validator, id, ReviewCommitment.Compute((ushort)score, verdict, salt), nonce, Deadline);
        using (var committed = await Api.PostAsJsonAsync("/api/reviews/commitments", new
        {
            commit.Validator, commit.ContributionId, commit.Commitment, commit.Nonce, commit.Deadline,
            signature = TypedDataSigner.Sign(commit, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        }))
            Assert.True(committed.IsSuccessStatusCode, await committed.Content.ReadAsStringAsync());
        var review = new ReviewPayload(validator, id, (ushort)score, verdict, salt, nonce, Deadline);
        using var revealed = await Api.PostAsJsonAsync("/api/reviews", new
        {
            review.Validator, review.ContributionId, score, review.Verdict, review.Salt, review.Nonce, review.Deadline,
            signature = TypedDataSigner.Sign(review, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        });
        Assert.True(revealed.IsSuccessStatusCode, await revealed.Content.ReadAsStringAsync());
    }
}
