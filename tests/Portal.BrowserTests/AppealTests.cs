using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// A contributor appeals a low score from the contribution's page with their wallet; the second round's validator, who
/// did not review it the first time, decides, and the page, left open after the contribution was anchored, shows the new
/// score. Nobody else gets the form, and whether anyone does is quality-scoring's standing: refused, the page says why.
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
        // Anchored before the page opens: from then on the page refreshes only slowly, and must still show what follows.
        await Contributions.WaitForStatusAsync(Api, id, "anchored");

        // A visitor sees that the contributor may appeal, and until when (the standing's window), not a form.
        var visitor = await system.OpenAsync(walletAccount: null);
        await visitor.GotoAsync($"/#/contribute/{id}");
        await Assertions.Expect(visitor.Locator("#appeal-open")).ToContainTextAsync("The contributor can appeal this score, once, until");
        Assert.Equal(0, await visitor.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).CountAsync());

        // The contributor signs the Appeal in the wallet.
        var page = await system.OpenAsync(walletAccount: Contributor);
        await page.GotoAsync($"/#/contribute/{id}");
        // Connected after the page drew the contributor's standing: the same address, now with a wallet, gets the form.
        await Assertions.Expect(page.Locator("#appeal-open")).ToContainTextAsync("by connecting their wallet");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await page.GetByLabel("Why the score is wrong").FillAsync("The glossary is accurate and sourced; the reviewer misread it.");
        await Accessibility.AssertNoSeriousViolationAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).ClickAsync();
        await Assertions.Expect(page.Locator("#appeal-message")).ToContainTextAsync("Appeal filed: 1 validators drawn");
        var signed = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').map(r => JSON.parse(r.params[1]).primaryType)");
        Assert.Equal(["Appeal"], signed.EnumerateArray().Select(t => t.GetString() ?? "").ToArray());

        // Coming back to the page later asks at once: the appeal is under review, and the standing refuses a second one.
        await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            v => v.TryGetProperty("appeal", out var a) && a.ValueKind == JsonValueKind.Object, $"{id}'s view to show its appeal", TimeSpan.FromSeconds(30));
        await page.WaitForTimeoutAsync(3_000); // the page asks on focus at most every 3 s
        await page.EvaluateAsync("() => window.dispatchEvent(new Event('focus'))");
        await Assertions.Expect(page.Locator("#appeal-state")).ToContainTextAsync("filed; a second round of validators is reviewing it");
        await Assertions.Expect(page.Locator("#appeal-closed")).ToContainTextAsync("it was appealed already");
        await Assertions.Expect(page.Locator("#appeal-closed")).ToContainTextAsync("Already appealed");
        await Assertions.Expect(page.Locator("#appeal form")).ToHaveCountAsync(0);
        // Under appeal the score shown is still explained by its first round: the consensus and the review it came from.
        await Assertions.Expect(page.Locator("#score")).ToContainTextAsync("Validators' consensus score");
        await Assertions.Expect(page.Locator("#reviews")).ToContainTextAsync(new Regex($"{AnvilNode.DevAddresses[first]}: 10 \\(reject\\)", RegexOptions.IgnoreCase));
        await Accessibility.AssertNoSeriousViolationAsync(page);

        // The other validator, drawn for the second round, reviews; its consensus is the new score.
        var second = await AssignedAsync(id, Validators.Where(v => v != first).ToArray());
        await ReviewAsync(second, id, score: 85, verdict: "accept");
        await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            v => v.TryGetProperty("appeal", out var a) && a.ValueKind == JsonValueKind.Object && a.GetProperty("outcome").ValueKind == JsonValueKind.String,
            $"{id}'s appeal to be decided", TimeSpan.FromSeconds(60));
        // No reload and no focus: the anchored page's slow refresh (every 30 s) brings the decision.
        await Assertions.Expect(page.Locator("#appeal-state")).ToContainTextAsync("decided: the score is now", new() { Timeout = 45_000 });
        await Screenshots.SaveAsync(page, "appeal");
    }

    [Fact]
    public async Task A_score_decided_without_reviewers_offers_its_contributor_no_appeal_and_says_why()
    {
        const string Text = "Spring tides follow the new and the full moon; neap tides fall between, at the quarter moons, every fortnight.";
        var original = await Contributions.SubmitAsync(Api, 4, Text);
        // Its text is indexed when scoring takes it in (whether or not a validator is drawn for it): its case exists then.
        await Eventually.MatchesAsync(async () =>
        {
            using var found = await Api.GetAsync($"/api/scoring/{original}");
            return found.IsSuccessStatusCode;
        }, found => found, $"{original} to reach scoring", TimeSpan.FromSeconds(60));
        // The same text again (its salt differs): a near duplicate, scored 0 at once, with no validator drawn.
        var copy = await Contributions.SubmitAsync(Api, Contributor, Text);
        var scored = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{copy}"),
            v => v.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number, $"{copy} to be scored", TimeSpan.FromSeconds(60));
        Assert.Equal(0, scored.GetProperty("score").GetInt32());

        var page = await system.OpenAsync(walletAccount: Contributor);
        await page.GotoAsync($"/#/contribute/{copy}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        // The score explained: the near duplicate names its original, and the flag says why it scored 0.
        await Assertions.Expect(page.Locator("#score")).ToContainTextAsync("Near duplicate of");
        await Assertions.Expect(page.Locator("#score")).ToContainTextAsync(original);
        await Assertions.Expect(page.Locator("#score")).ToContainTextAsync("near-duplicate");
        var closed = page.Locator("#appeal-closed");
        await Assertions.Expect(closed).ToContainTextAsync("it was decided without validators' reviews");
        await Assertions.Expect(closed).ToContainTextAsync("Not appealable: the score was decided without reviewers");
        await Assertions.Expect(page.Locator("#appeal form")).ToHaveCountAsync(0);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).CountAsync());
        await Accessibility.AssertNoViolationAsync(page);

        // The page says what the service would answer: an appeal signed anyway is refused for the same reason.
        var appeal = new AppealPayload(AnvilNode.DevAddresses[Contributor], copy, "It is my own text.", 1, Deadline);
        using var refused = await Api.PostAsJsonAsync("/api/appeals", new
        {
            appeal.Appellant, appeal.ContributionId, appeal.Reason, appeal.Nonce, appeal.Deadline,
            signature = TypedDataSigner.Sign(appeal, TestChain.Domain, AnvilNode.DevPrivateKeys[Contributor]),
        });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Not appealable", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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
