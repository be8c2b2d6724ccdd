using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The Community model page through the real services: the model a round trained from scored contributions, a
/// prediction tried in the browser without a wallet, and feedback on it signed by the wallet as a `feedback`
/// contribution that the next round really learns from.
/// </summary>
public sealed class ModelTests(ModelSystem system) : IClassFixture<ModelSystem>
{
    private const int Person = 3;
    private static readonly string[] Labels = ["question", "bug-report", "idea", "praise"];
    private static readonly Dictionary<string, string[]> Texts = new()
    {
        ["question"] = ["how do I export my data", "why is the reward smaller today", "where can I read the policy", "what does quorum mean"],
        ["bug-report"] = ["the wallet page crashes after login", "error when claiming tokens", "the explorer freezes on large logs", "broken link in the footer"],
        ["idea"] = ["maybe add a dark mode", "suggest a weekly summary email", "propose an option to export as csv", "add keyboard shortcuts please"],
        ["praise"] = ["thanks for the great portal", "love the new explorer", "awesome work on the claims", "brilliant and smooth release"],
    };

    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task The_page_shows_the_trained_model_answers_a_prediction_and_sends_feedback_the_next_round_learns_from()
    {
        // Labelled data contributed and scored through the real pipeline, then a training round through the portal's proxy.
        var ids = new List<string>();
        var i = 0;
        foreach (var (label, texts) in Texts)
            foreach (var text in texts)
                ids.Add(await Contributions.SubmitAsync(Api, 1 + i++ % 5, JsonSerializer.Serialize(new { text, label })));
        foreach (var id in ids)
            await Contributions.WaitForStatusAsync(Api, id, "scored", "rewarded", "anchored");
        var first = await TrainAsync(HttpStatusCode.Created);
        Assert.Equal(ids.Count, first.GetProperty("memberCount").GetInt32());

        // Anyone sees the model served now, everything its ModelTrained records, and can try it without a wallet.
        var page = await system.OpenAsync(walletAccount: Person);
        await page.GotoAsync("/#/model");
        await Assertions.Expect(page.Locator("#model-hash")).ToHaveTextAsync(first.GetProperty("modelHash").GetString()!);
        await Assertions.Expect(page.Locator("#model-accuracy")).ToHaveAttributeAsync("data-basis-points",
            first.GetProperty("accuracyBasisPoints").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#model")).ToContainTextAsync(first.GetProperty("codeVersion").GetString()!);
        await Assertions.Expect(page.Locator("#model")).ToContainTextAsync(first.GetProperty("snapshotRoot").GetString()!);
        await page.GetByLabel("Text to classify").FillAsync("the claim button crashes with an error");
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();
        await Assertions.Expect(page.Locator("#prediction-id")).ToContainTextAsync("prediction-");
        var predictionId = (await page.Locator("#prediction-id").TextContentAsync())!;
        var predicted = (await page.Locator("#predicted-label").TextContentAsync())!;
        Assert.Contains(predicted, Labels);
        // The prediction is the service's own, stored under that id.
        var stored = await Api.GetFromJsonAsync<JsonElement>($"/api/model/predictions/{predictionId}");
        Assert.Equal(predicted, stored.GetProperty("label").GetString());
        await Screenshots.SaveAsync(page, "model");
        await Accessibility.AssertNoViolationAsync(page);

        // Without a wallet nothing is signed; with one, the wallet signs a feedback Contribution naming the prediction.
        var right = predicted == "bug-report" ? "question" : "bug-report";
        await page.GetByRole(AriaRole.Radio, new() { Name = "Wrong" }).CheckAsync();
        await page.GetByLabel("The right label").SelectOptionAsync(right);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and send feedback" }).ClickAsync();
        await Assertions.Expect(page.Locator("#feedback-message")).ToContainTextAsync("Connect a wallet first");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and send feedback" }).ClickAsync();
        var sent = page.Locator("#feedback-contribution");
        await Assertions.Expect(sent).ToBeVisibleAsync();
        var feedback = (await sent.GetAttributeAsync("data-id"))!;
        var signed = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.filter(r => r.method === 'eth_signTypedData_v4').map(r => JSON.parse(r.params[1]))");
        var message = Assert.Single(signed.EnumerateArray());
        Assert.Equal("Contribution", message.GetProperty("primaryType").GetString());
        Assert.Equal("feedback", message.GetProperty("message").GetProperty("kind").GetString());
        await Screenshots.SaveAsync(page, "model-feedback");
        await Accessibility.AssertNoViolationAsync(page);

        // The feedback is scored like every contribution, and the next round reads it as feedback (not skipped): its
        // content is exactly the documented {"predictionId","correct","label"}.
        var view = await Contributions.WaitForStatusAsync(Api, feedback, "scored", "rewarded", "anchored");
        Assert.Equal("feedback", view.GetProperty("kind").GetString());
        var second = await TrainAsync(HttpStatusCode.Created);
        Assert.Equal(1, second.GetProperty("feedbackCount").GetInt32());
        Assert.Equal(0, second.GetProperty("skippedCount").GetInt32());
        Assert.Equal(first.GetProperty("snapshotRoot").GetString(), second.GetProperty("snapshotRoot").GetString());

        // A reader without a wallet sees the model served, with its feedback snapshot when it is the new round.
        var reader = await system.OpenAsync(walletAccount: null);
        await reader.GotoAsync("/#/model");
        // The page shows the model served: the new round only if it measured a gain over the first on the private split.
        var served = await Api.GetFromJsonAsync<JsonElement>("/api/model");
        await Assertions.Expect(reader.Locator("#model-hash")).ToHaveTextAsync(served.GetProperty("modelHash").GetString()!);
        if (served.GetProperty("modelHash").GetString() == second.GetProperty("modelHash").GetString())
        {
            await Assertions.Expect(reader.Locator("#model")).ToContainTextAsync(second.GetProperty("feedbackSnapshotRoot").GetString()!);
            await Assertions.Expect(reader.Locator("#model-counts")).ToContainTextAsync("1 feedback");
        }

        // Both rounds over time, each with how it measured against the champion of its day, as the history records them.
        var rounds = await Api.GetFromJsonAsync<JsonElement>("/api/model/trainings");
        Assert.Equal([second.GetProperty("modelHash").GetString(), first.GetProperty("modelHash").GetString()],
            rounds.EnumerateArray().Select(r => r.GetProperty("trained").GetProperty("modelHash").GetString()));
        Assert.True(rounds[1].GetProperty("evaluated").GetProperty("becameChampion").GetBoolean());
        await Assertions.Expect(reader.Locator("#rounds-chart")).ToHaveAttributeAsync("data-points", "2");
        var rows = reader.Locator("#rounds tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("served: the first model");
        // What each round's new contributions were worth: the first had nothing earlier to measure on, the second no new data.
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("of new data, nothing earlier to measure on");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("no new data");
        Assert.Equal(first.GetProperty("modelHash").GetString(), rounds[0].GetProperty("valued").GetProperty("baselineModelHash").GetString());
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(
            rounds[0].GetProperty("evaluated").GetProperty("becameChampion").GetBoolean() ? "served:" : "not served:");
        // The lineage of the model served: its data snapshot's contributions, each linked to its events in the explorer.
        await Assertions.Expect(reader.Locator("#lineage-count")).ToHaveTextAsync($"{ids.Count} contributions");
        await Assertions.Expect(reader.Locator($"#lineage a[href='#/explorer/{ids[0]}']")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(reader, "model-rounds");
        await Accessibility.AssertNoViolationAsync(reader);
        using var tooFew = await Api.GetAsync("/api/model/trainings?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, tooFew.StatusCode);
        Assert.Contains("limit", await tooFew.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> TrainAsync(HttpStatusCode expected)
    {
        using var response = await Api.PostAsync("/api/model/trainings", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
