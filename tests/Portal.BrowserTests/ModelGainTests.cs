using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityModel.IntegrationTests;
using CommunityModel.IntegrationTests.Onnx;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// A contributed model's gain reward on its contribution's page, through the real services: an ONNX model contributed
/// and scored like any contribution, measured in the sandboxed evaluator on the next round's private held-out examples,
/// made champion, its gain credited by the real ledger; then invalidated by a passed governance proposal, which takes both
/// its rewards back. A class of its own: it waits out the development rules' vote (30 s delay, 120 s vote, 60 s timelock).
/// </summary>
public sealed class ModelGainTests(ModelSystem system) : IClassFixture<ModelSystem>
{
    private const int Modeller = 7, Proposer = 1;
    private const string Reason = "The weights are a copy of a model published elsewhere under a licence that forbids it.";
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task A_champion_models_page_shows_the_gain_the_ledger_credited_and_after_its_invalidation_both_rewards_taken_back()
    {
        // Round one: a little of the community's data trains a weak first champion.
        await ContributeAsync(CommunityTexts.Examples(4, seed: 3));
        await TrainAsync();
        // A far better model, trained on a large private corpus, contributed content-addressed as the scoring policy asks.
        var better = TestModels.NaiveBayes(CommunityTexts.Examples(300, seed: 77), CommunityTexts.Labels);
        var id = await Contributions.SubmitAsync(Api, Modeller, better, "model", "ipfs://portal-tests/");
        await Contributions.WaitForStatusAsync(Api, id, "scored", "rewarded", "anchored");
        // Round two: data contributed after the model is what it is measured on, against the champion, in the sandbox.
        await ContributeAsync(CommunityTexts.Examples(12, seed: 4));
        await TrainAsync();
        var evaluations = await Api.GetFromJsonAsync<JsonElement>("/api/model/contributions");
        var evaluation = Assert.Single(evaluations.EnumerateArray());
        Assert.Equal(id, evaluation.GetProperty("contributionId").GetString());
        Assert.True(evaluation.GetProperty("becameChampion").GetBoolean(), evaluation.ToString());
        var gainPoints = evaluation.GetProperty("gainBasisPoints").GetInt32();

        // The ledger credited the gain: its journal entry on the contributor's account is the amount the page must show.
        var contributor = AnvilNode.DevAddresses[Modeller];
        var credited = BigInteger.Parse((await JournalEntryAsync(contributor, GainCrediter.EntryId(id))).GetProperty("amount").GetString()!);
        Assert.Equal(gainPoints * BigInteger.Pow(10, 15), credited);
        var view = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            v => Has(v, "gain") && Has(v, "reward"), $"{id}'s view to show its reward and gain", TimeSpan.FromSeconds(60));
        Assert.Equal(credited.ToString(CultureInfo.InvariantCulture), view.GetProperty("gain").GetProperty("amount").GetString());
        var reward = BigInteger.Parse(view.GetProperty("reward").GetString()!);

        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync($"/#/contribute/{id}");
        var gain = page.Locator("#gain-reward");
        await Assertions.Expect(gain).ToContainTextAsync($"{Tokens.Shown(credited)} tokens");
        await Assertions.Expect(gain).ToContainTextAsync($"{(gainPoints / 100m).ToString("0.00", CultureInfo.InvariantCulture)} percentage points");
        await Assertions.Expect(gain).Not.ToContainTextAsync("taken back");
        await Assertions.Expect(page.Locator("#invalidation")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#reward")).ToHaveTextAsync($"{Tokens.Shown(reward)} tokens (epoch {view.GetProperty("epoch").GetInt64()})");
        await Screenshots.SaveAsync(page, "contribution-gain");
        await Accessibility.AssertNoViolationAsync(page);

        // Invalidated by governance: a proposer with an earned weight proposes it, votes for it alone, and it comes into force.
        await Proposals.WaitForWeightAsync(Api, AnvilNode.DevAddresses[Proposer], BigInteger.Pow(10, 18));
        var proposal = await Proposals.ProposeAsync(Api, Proposer, "Invalidate a copied model", "contribution-invalidation",
            new { contributionId = id, reason = Reason }, "The champion model's weights match a published model byte for byte.");
        await Proposals.WaitForStateAsync(Api, proposal, "active");
        await Proposals.VoteAsync(Api, Proposer, proposal, support: 1);
        await Proposals.WaitForStateAsync(Api, proposal, "activated", TimeSpan.FromSeconds(300));

        // The ledger took back both credits: the gain's reversal mirrors its credit, as does the quality reward's.
        var gainBack = await JournalEntryAsync(contributor, JournalEntry.ReversalId(GainCrediter.EntryId(id)));
        Assert.Equal(-credited, BigInteger.Parse(gainBack.GetProperty("amount").GetString()!));
        var invalidated = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            v => Has(v.GetProperty("gain"), "reversal") && Has(v, "invalidation") && Has(v.GetProperty("invalidation"), "rewardAdjustment"),
            $"{id}'s view to show its invalidation and both reversals", TimeSpan.FromSeconds(60));
        Assert.Equal(-reward, BigInteger.Parse(invalidated.GetProperty("invalidation").GetProperty("rewardAdjustment").GetString()!));
        Assert.Equal(proposal, invalidated.GetProperty("gain").GetProperty("reversalProposalId").GetString());

        // A reader opening the page now sees it invalidated, by which proposal and why, and each reward taken back in tokens.
        var reader = await system.OpenAsync(walletAccount: null);
        await reader.GotoAsync($"/#/contribute/{id}");
        var invalidation = reader.Locator("#invalidation");
        await Assertions.Expect(invalidation).ToContainTextAsync(Reason);
        await Assertions.Expect(invalidation).ToContainTextAsync($"{Tokens.Shown(reward)} tokens taken back");
        await Assertions.Expect(invalidation.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"#/governance/{proposal}");
        var gainTaken = reader.Locator("#gain-reward");
        await Assertions.Expect(gainTaken).ToContainTextAsync($"{Tokens.Shown(credited)} tokens");
        await Assertions.Expect(gainTaken).ToContainTextAsync($"taken back: {Tokens.Shown(credited)} tokens");
        await Assertions.Expect(reader.Locator("#reward")).ToContainTextAsync("taken back");
        // Amounts are in tokens, never negative base units.
        Assert.DoesNotContain("-", await reader.Locator("#gain-reward").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(credited.ToString(CultureInfo.InvariantCulture), await reader.Locator("#score").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(reader, "contribution-invalidated");
        await Accessibility.AssertNoViolationAsync(reader);

        // Its contributor, wallet connected, is offered no appeal (quality-scoring refuses one now), and told why.
        var owner = await system.OpenAsync(walletAccount: Modeller);
        await owner.GotoAsync($"/#/contribute/{id}");
        // The page asks quality-scoring's standing (no rule of its own): its refusal names the proposal, linked.
        await Assertions.Expect(owner.Locator("#appeal-closed")).ToContainTextAsync("invalidated the contribution");
        await Assertions.Expect(owner.Locator("#appeal-closed")).ToContainTextAsync(new Regex($"Invalidated: this contribution was invalidated by proposal {proposal}", RegexOptions.IgnoreCase));
        await Assertions.Expect(owner.Locator("#appeal-closed a")).ToHaveAttributeAsync("href", $"#/governance/{proposal}");
        await Assertions.Expect(owner.Locator("#appeal form")).ToHaveCountAsync(0);
    }

    private static bool Has(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    /// <summary>Labelled examples from the community's contributors, each through the real pipeline until scored.</summary>
    private async Task ContributeAsync(IEnumerable<LabelledExample> examples)
    {
        var ids = new List<string>();
        var i = 0;
        foreach (var example in examples)
            ids.Add(await Contributions.SubmitAsync(Api, 1 + i++ % 4, CommunityTexts.Json(example)));
        foreach (var id in ids)
            await Contributions.WaitForStatusAsync(Api, id, "scored", "rewarded", "anchored");
    }

    private async Task TrainAsync()
    {
        using var response = await Api.PostAsync("/api/model/trainings", null);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>One entry of an account's journal at the ledger, once it is there.</summary>
    private Task<JsonElement> JournalEntryAsync(string account, string entryId) =>
        Eventually.MatchesAsync(async () =>
            {
                var items = (await Api.GetFromJsonAsync<JsonElement>($"/api/accounts/{account}")).GetProperty("items");
                return items.EnumerateArray().FirstOrDefault(e => e.GetProperty("id").GetString() == entryId);
            }, e => e.ValueKind == JsonValueKind.Object, $"journal entry {entryId} of {account}", TimeSpan.FromSeconds(120));
}
