using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>The portal's system with a genesis policy that pays a valued batch a hundredth of a token per basis point of its gain.</summary>
public sealed class DataValueSystem : PortalSystem
{
    public static readonly BigInteger RewardPerBasisPoint = BigInteger.Pow(10, 16);

    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Rewards:Genesis:DataGainRewardPerBasisPoint"] = RewardPerBasisPoint.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// A data contribution's page shows what its share of a valued batch earned: three contributions submitted and scored
/// through the real services, a round's valuation recorded in the history as the community model records it (the model
/// itself is the subject of other classes), credited by the real ledger and projected by the real contributions service.
/// </summary>
public sealed class DataValueTests(DataValueSystem system) : IClassFixture<DataValueSystem>
{
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task A_data_contributions_page_shows_its_share_of_what_its_batch_measurably_added()
    {
        var ids = new List<(string Id, string Contributor)>();
        foreach (var (key, text) in new[] { (1, "how do I export my data"), (2, "the wallet page crashes after login"), (3, "maybe add a dark mode") })
        {
            var id = await Contributions.SubmitAsync(Api, key, JsonSerializer.Serialize(new { text, label = "question" }));
            await Contributions.WaitForStatusAsync(Api, id, "scored", "rewarded", "anchored");
            ids.Add((id, AnvilNode.DevAddresses[key]));
        }
        // The round's valuation: its new data added 1.25 points, brought 2 : 1 : 1 (in contribution-id order).
        var shares = ids.OrderBy(s => s.Id, StringComparer.Ordinal).Select((s, i) => new BatchShare(s.Id, s.Contributor, i == 0 ? 2 : 1)).ToList();
        await RecordAsync(new DataValued(1, Id(), Id(), null, Id(), Id(), null,
            new BatchValue(4, 20, 8125, 8000, 125, shares), new BatchValue(0, 0, null, null, null, [])));

        // A pool of 1.25 tokens: half of it to the share of two texts, a quarter to each other.
        var first = shares[0];
        var view = await Eventually.MatchesAsync(() => Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{first.ContributionId}"),
            v => v.TryGetProperty("dataValue", out var d) && d.ValueKind == JsonValueKind.Object, "the view to show its data value", TimeSpan.FromSeconds(60));
        var credited = BigInteger.Parse(view.GetProperty("dataValue").GetProperty("amount").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(125 * DataValueSystem.RewardPerBasisPoint / 2, credited);

        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync($"/#/contribute/{first.ContributionId}");
        var row = page.Locator("#data-value-reward");
        await Assertions.Expect(row).ToContainTextAsync($"{Tokens.Shown(credited)} tokens");
        await Assertions.Expect(row).ToContainTextAsync("2 of the 4 new data texts that added 1.25 percentage points of accuracy");
        await Assertions.Expect(row).Not.ToContainTextAsync("taken back");
        await Screenshots.SaveAsync(page, "contribution-data-value");
        await Accessibility.AssertNoViolationAsync(page);
    }

    private async Task RecordAsync(DataValued valued)
    {
        using var store = DocumentStore.For(options =>
        {
            HistoryStoreExtensions.ConfigureHistory(options, "portal_tests");
            options.Connection(system.History);
            options.Events.AddEventType<DataValued>();
        });
        await using var session = store.LightweightSession();
        session.Events.StartStream("model/" + valued.SnapshotRoot, valued);
        await session.SaveChangesAsync();
    }

    private static string Id() => Hex.Encode(RandomNumberGenerator.GetBytes(32));
}
