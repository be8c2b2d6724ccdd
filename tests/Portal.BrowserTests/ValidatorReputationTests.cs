using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// After a case closes, the desk shows each reviewer its reputation and the change the consensus made, as the service
/// holds them; the reviewer the consensus clipped appeals the score from the desk, and another reviewer is told why it no
/// longer can. When the appeal's panel overturns the reviews that counted, their slashes show on the contribution's page
/// and in each slashed reviewer's account journal.
/// </summary>
public sealed class ValidatorReputationTests(ReviewerAppealSystem system) : IClassFixture<ReviewerAppealSystem>
{
    private const int Contributor = 3;
    private static readonly ulong Deadline = (ulong)DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task A_clipped_reviewer_sees_its_reputation_and_appeals_from_the_desk_and_another_reviewer_is_told_why_it_cannot()
    {
        foreach (var key in ReviewerAppealSystem.Validators)
            await RegisterAsync(key);
        var id = await Contributions.SubmitAsync(Api, Contributor, "Hourly tide heights for the harbour, one season, from the gauge's own log.");
        var reviewers = await AssignedAsync(id);
        // Two agree, the third is far off: the consensus (the median) clips it.
        int clipped = reviewers[0], agreeing = reviewers[1];
        (int Key, int Score, string Verdict)[] reviews = [(agreeing, 80, "accept"), (reviewers[2], 82, "accept"), (clipped, 10, "reject")];
        // Every commitment first: a reveal is taken once the commitments are in.
        var sealedReviews = new List<ReviewPayload>();
        foreach (var (key, score, verdict) in reviews)
            sealedReviews.Add(await CommitAsync(key, id, score, verdict));
        foreach (var review in sealedReviews)
            await RevealAsync(review);
        var scoring = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}"),
            c => c.GetProperty("scored").ValueKind == JsonValueKind.Object, $"{id} to be scored", TimeSpan.FromSeconds(60));
        Assert.True(scoring.GetProperty("scored").GetProperty("reviews").EnumerateArray()
            .Single(r => r.GetProperty("validator").GetString() == AnvilNode.DevAddresses[clipped]).GetProperty("clipped").GetBoolean());
        var view = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[clipped]}"),
            v => v.GetProperty("recentChanges").GetArrayLength() > 0, "the clipped reviewer's reputation to move", TimeSpan.FromSeconds(60));
        var change = view.GetProperty("recentChanges")[0];

        // The desk shows the service's values: the reputation, one line point per value, the change with its contribution.
        var page = await system.OpenAsync(walletAccount: clipped);
        await page.GotoAsync("/#/validator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await Assertions.Expect(page.Locator("#reputation-value")).ToHaveTextAsync(Decimals(view.GetProperty("reputation")));
        var rows = page.Locator("#reputation tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(view.GetProperty("recentChanges").GetArrayLength());
        await Assertions.Expect(page.Locator("#reputation-chart")).ToHaveAttributeAsync("data-points", (view.GetProperty("recentChanges").GetArrayLength() + 1).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(rows.First.Locator($"a[href='#/explorer/{change.GetProperty("contributionId").GetString()}']")).ToBeVisibleAsync();
        await Assertions.Expect(rows.First).ToContainTextAsync($"{Decimals(change.GetProperty("previous"))} → {Decimals(change.GetProperty("next"))}");
        await Assertions.Expect(rows.First).ToContainTextAsync(Decimals(change.GetProperty("agreement")));
        await Assertions.Expect(rows.First).ToContainTextAsync("consensus of its round");

        // Anyone, without a wallet, reads any validator's reputation by its address.
        var visitor = await system.OpenAsync(walletAccount: null);
        await visitor.GotoAsync("/#/validator");
        await visitor.GetByLabel("Validator address").FillAsync(AnvilNode.DevAddresses[clipped]);
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Show reputation" }).ClickAsync();
        await Assertions.Expect(visitor.Locator("#reputation-value")).ToHaveTextAsync(Decimals(view.GetProperty("reputation")));

        // A validator that was not on the case is told why it cannot appeal, and gets no form.
        var outsider = ReviewerAppealSystem.Validators.Single(v => !reviewers.Contains(v));
        var stranger = await system.OpenAsync(walletAccount: outsider);
        await stranger.GotoAsync($"/#/validator/{id}");
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await Assertions.Expect(stranger.Locator("#appeal-standing")).ToContainTextAsync("You cannot appeal — Not on the case");
        Assert.Equal(0, await stranger.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).CountAsync());

        // The clipped reviewer appeals from the desk: one Appeal signed in its wallet.
        await rows.First.GetByRole(AriaRole.Link, new() { Name = $"Open the case {change.GetProperty("contributionId").GetString()}" }).ClickAsync();
        await Assertions.Expect(page.Locator("#appeal-standing")).ToContainTextAsync("The consensus clipped your review");
        await page.GetByLabel("Why the score is wrong").FillAsync("The season's log is complete and matches the gauge; the other reviews read it right, I did not.");
        await Accessibility.AssertNoViolationAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).ClickAsync();
        await Assertions.Expect(page.Locator("#appeal-message")).ToContainTextAsync("Appeal filed: 1 validators drawn");
        var signed = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').map(r => JSON.parse(r.params[1]).primaryType)");
        Assert.Equal(["Appeal"], signed.EnumerateArray().Select(t => t.GetString() ?? "").ToArray());
        await Screenshots.SaveAsync(page, "validator-reputation");
        // The history's AppealFiled names the reviewer as appellant, in its role.
        var appealed = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}"),
            c => c.TryGetProperty("appeal", out var a) && a.ValueKind == JsonValueKind.Object, $"{id}'s appeal on record", TimeSpan.FromSeconds(30));
        Assert.Equal("reviewer", appealed.GetProperty("appeal").GetProperty("appellantRole").GetString());
        Assert.Equal(AnvilNode.DevAddresses[clipped], appealed.GetProperty("appeal").GetProperty("appellant").GetString(), ignoreCase: true);

        // The reviewer whose review counted is told why it cannot appeal: a case is appealed once. No form, nothing signed.
        var other = await system.OpenAsync(walletAccount: agreeing);
        await other.GotoAsync($"/#/validator/{id}");
        await other.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await Assertions.Expect(other.Locator("#appeal-standing")).ToContainTextAsync("You cannot appeal — Already appealed");
        Assert.Equal(0, await other.GetByRole(AriaRole.Button, new() { Name = "Sign and appeal" }).CountAsync());
        await Accessibility.AssertNoViolationAsync(other);
    }

    [Fact]
    public async Task A_slash_shows_on_the_contributions_page_and_in_the_slashed_reviewers_account_journal()
    {
        foreach (var key in ReviewerAppealSystem.Validators)
            await RegisterAsync(key);
        var id = await Contributions.SubmitAsync(Api, Contributor, "Daily river levels at the old mill, two winters, read from the staff gauge.");
        var reviewers = await AssignedAsync(id);
        int appellant = reviewers[0], overturned = reviewers[1];
        var sealedReviews = new List<ReviewPayload>();
        foreach (var (key, score, verdict) in new[] { (overturned, 80, "accept"), (reviewers[2], 82, "accept"), (appellant, 10, "reject") })
            sealedReviews.Add(await CommitAsync(key, id, score, verdict));
        foreach (var review in sealedReviews)
            await RevealAsync(review);
        await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}"),
            c => c.GetProperty("scored").ValueKind == JsonValueKind.Object, $"{id} to be scored", TimeSpan.FromSeconds(60));

        // The clipped reviewer appeals; the panel (the fourth validator) agrees with it, so the two reviews that counted are
        // overturned and each loses the case's pool.
        var appeal = new AppealPayload(AnvilNode.DevAddresses[appellant], id, "Two winters of the gauge are missing; the data is not what it says.", 1, Deadline);
        using (var filed = await Api.PostAsJsonAsync("/api/appeals", new
        {
            appeal.Appellant, appeal.ContributionId, appeal.Reason, appeal.Nonce, appeal.Deadline,
            signature = TypedDataSigner.Sign(appeal, TestChain.Domain, AnvilNode.DevPrivateKeys[appellant]),
        }))
            Assert.True(filed.IsSuccessStatusCode, await filed.Content.ReadAsStringAsync());
        var panel = ReviewerAppealSystem.Validators.Single(v => !reviewers.Contains(v));
        await RevealAsync(await CommitAsync(panel, id, 10, "reject"));
        var view = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            v => v.TryGetProperty("appeal", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty("slashes", out var s) && s.ValueKind == JsonValueKind.Array && s.GetArrayLength() > 0,
            $"{id}'s appeal settled with its slashes", TimeSpan.FromSeconds(120));
        var slashes = view.GetProperty("appeal").GetProperty("slashes").EnumerateArray().ToList();
        var slash = slashes.Single(s => string.Equals(s.GetProperty("validator").GetString(), AnvilNode.DevAddresses[overturned], StringComparison.OrdinalIgnoreCase));
        var amount = Tokens.Shown(slash.GetProperty("amount").GetString()!);

        // The contribution's page names every slashed reviewer and what it lost, and links to its account.
        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync($"/#/contribute/{id}");
        var listed = page.Locator("#appeal-slashes li");
        await Assertions.Expect(listed).ToHaveCountAsync(slashes.Count);
        var entry = listed.Filter(new() { HasText = slash.GetProperty("validator").GetString()! });
        await Assertions.Expect(entry).ToContainTextAsync($"lost {amount} tokens");
        await Accessibility.AssertNoViolationAsync(page);

        // The slashed reviewer's account: its settlement entry says what of it is the slash.
        await entry.GetByRole(AriaRole.Link).ClickAsync();
        var journal = page.Locator("#journal-title + .table-wrap tbody tr").Filter(new() { HasText = "slashed" });
        await Assertions.Expect(journal).ToHaveCountAsync(1);
        await Assertions.Expect(journal).ToContainTextAsync($"of which {amount} tokens slashed");
        await Assertions.Expect(journal.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"#/contribute/{id}");
        await Accessibility.AssertNoViolationAsync(page);
        await Screenshots.SaveAsync(page, "account-slash");
    }

    private static string Decimals(JsonElement value) => value.GetDecimal().ToString("F6", CultureInfo.InvariantCulture);

    private async Task RegisterAsync(int key)
    {
        var payload = new ValidatorRegistrationPayload(AnvilNode.DevAddresses[key], 1, Deadline);
        using var response = await Api.PostAsJsonAsync("/api/validators", new
        {
            payload.Validator, payload.Nonce, payload.Deadline, signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        });
        // Both tests of the class register the same validators on one system: a second registration is a conflict.
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The three validators holding an open assignment for the contribution.</summary>
    private async Task<int[]> AssignedAsync(string id) =>
        await Eventually.MatchesAsync(async () =>
        {
            var assigned = new List<int>();
            foreach (var key in ReviewerAppealSystem.Validators)
            {
                var open = await Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}/assignments");
                if (open.EnumerateArray().Any(a => string.Equals(a.GetProperty("contributionId").GetString(), id, StringComparison.OrdinalIgnoreCase)))
                    assigned.Add(key);
            }
            return assigned.ToArray();
        }, keys => keys.Length == 3, $"{id} to be assigned to three validators", TimeSpan.FromSeconds(60));

    /// <summary>A validator's sealed review, as its desk sends it: the signed commitment; returns what its reveal signs.</summary>
    private async Task<ReviewPayload> CommitAsync(int key, string id, int score, string verdict)
    {
        var validator = AnvilNode.DevAddresses[key];
        var salt = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var commit = new ReviewCommitPayload(validator, id, ReviewCommitment.Compute((ushort)score, verdict, salt), nonce, Deadline);
        using var committed = await Api.PostAsJsonAsync("/api/reviews/commitments", new
        {
            commit.Validator, commit.ContributionId, commit.Commitment, commit.Nonce, commit.Deadline,
            signature = TypedDataSigner.Sign(commit, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        });
        Assert.True(committed.IsSuccessStatusCode, await committed.Content.ReadAsStringAsync());
        return new ReviewPayload(validator, id, (ushort)score, verdict, salt, nonce, Deadline);
    }

    /// <summary>The signed reveal of a sealed review.</summary>
    private async Task RevealAsync(ReviewPayload review)
    {
        var key = Array.IndexOf(AnvilNode.DevAddresses.ToArray(), review.Validator);
        using var revealed = await Api.PostAsJsonAsync("/api/reviews", new
        {
            review.Validator, review.ContributionId, score = (int)review.Score, review.Verdict, review.Salt, review.Nonce, review.Deadline,
            signature = TypedDataSigner.Sign(review, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        });
        Assert.True(revealed.IsSuccessStatusCode, await revealed.Content.ReadAsStringAsync());
    }
}
