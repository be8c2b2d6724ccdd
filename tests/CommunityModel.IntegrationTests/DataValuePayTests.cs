using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// The model service and the reward ledger side by side on one history, as deployed: the ledger's genesis policy pays a
/// tenth of a token per basis point of a batch's measured gain.
/// </summary>
public sealed class PaidModelService : ModelService
{
    public static readonly BigInteger RewardPerBasisPoint = TokenAmount.OneToken / 10;

    public WebApplicationFactory<CreditWriter> Ledger { get; private set; } = null!;
    public HttpClient LedgerClient { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Ledger = new ServiceHost<CreditWriter>(new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Rewards:Genesis:DataGainRewardPerBasisPoint"] = RewardPerBasisPoint.ToString(CultureInfo.InvariantCulture),
        });
        LedgerClient = Ledger.CreateClient();
    }

    public override async Task DisposeAsync()
    {
        await Ledger.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// New data paid by what it measurably did, through the real path: eight contributors' signed, scored contributions,
/// snapshots taken and exported by the real contributions service, two real training rounds, the round's valuation
/// followed from the history by the real ledger, and the auditor's replay over all of it.
/// </summary>
public sealed class DataValuePayTests(PaidModelService service) : IClassFixture<PaidModelService>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_contributors_of_a_batch_that_improved_the_model_are_paid_its_measured_gain_by_their_shares_and_replay_agrees()
    {
        await service.ContributeAsync(CommunityTexts.Examples(25, seed: 41));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);
        await service.ContributeAsync(CommunityTexts.Examples(150, seed: 42));
        await Answers.OkAsync(await service.Client.TrainAsync(), HttpStatusCode.Created);

        var valued = (await service.EventsOfTypeAsync("data_valued")).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal(2, valued.Count);
        // The first round had nothing earlier to measure on: no gain, nothing paid for it.
        Assert.Equal(JsonValueKind.Null, valued[0].GetProperty("data").GetProperty("gainBasisPoints").ValueKind);
        var batch = valued[1].GetProperty("data");
        var gain = batch.GetProperty("gainBasisPoints").GetInt32();
        Assert.True(gain > 0, $"good new data: {batch}");
        var shares = batch.GetProperty("shares").EnumerateArray()
            .Select(s => (Id: s.GetProperty("contributionId").GetString()!, Contributor: s.GetProperty("contributor").GetString()!, Examples: s.GetProperty("examples").GetInt32()))
            .ToList();
        Assert.True(shares.Select(s => s.Contributor).Distinct().Count() >= 8, string.Join(", ", shares));

        // The ledger pays each share once, from the stored valuation: the pool split by texts, to the base unit.
        await Eventually.MatchesAsync(async () => (await service.EventsOfTypeAsync("data_value_rewarded")).Count, n => n >= shares.Count,
            "every share credited", Patience);
        var credits = (await service.EventsOfTypeAsync("data_value_rewarded"))
            .ToDictionary(e => e.Stream, e => JsonDocument.Parse(e.Data).RootElement);
        Assert.Equal(shares.Count, credits.Count);
        var pool = gain * PaidModelService.RewardPerBasisPoint;
        var total = shares.Sum(s => s.Examples);
        var floors = shares.Select(s => pool * s.Examples / total).ToList();
        var left = (int)(pool - floors.Aggregate(BigInteger.Zero, (a, b) => a + b));
        for (var i = 0; i < shares.Count; i++)
        {
            var credit = credits[$"ledger/data-value/{shares[i].Id}"];
            Assert.Equal(TokenAmount.Format(floors[i] + (i < left ? 1 : 0)), credit.GetProperty("amount").GetString());
            Assert.Equal(shares[i].Contributor, credit.GetProperty("contributor").GetString());
        }
        Assert.Equal(pool, credits.Values.Aggregate(BigInteger.Zero, (sum, c) => sum + BigInteger.Parse(c.GetProperty("amount").GetString()!)));
        // Each contributor's account shows it beside the quality credits.
        var someone = shares[0];
        // About 150 entries each (quality and data-value credits): one page of the largest size holds them all.
        var account = await service.LedgerClient.GetFromJsonAsync<JsonElement>($"/api/accounts/{someone.Contributor}?pageSize=200");
        Assert.Contains(account.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == DataValueCrediter.EntryId(someone.Id));

        // The auditor recomputes every share from the content and every credit from the valuation and the policy.
        var audited = await service.ReplayAsync("--model-content", await service.ContentFileAsync(), "--json");
        Assert.True(audited.Code == 0, audited.Output);
        // The report is the first JSON value printed (a line of errors, if any, follows it).
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(audited.Output), new JsonReaderOptions { AllowMultipleValues = true });
        using var document = JsonDocument.ParseValue(ref reader);
        var report = document.RootElement;
        var section = report.GetProperty("data-value");
        Assert.Equal((shares.Count, shares.Count), (section.GetProperty("due").GetInt32(), section.GetProperty("recorded").GetInt32()));
        Assert.Equal(0, section.GetProperty("findings").GetArrayLength());
    }
}
