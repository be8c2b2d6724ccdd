using System.Net;
using System.Text.Json;
using CommunityAI.DemoValidators;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Validators start at the reputation floor and are removed after two consecutive rounds there; one reviewer per
/// contribution, nobody replaced, so a validator who commits and never reveals stays at the floor.
/// </summary>
public sealed class FloorSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "1",
        ["Scoring:Quorum"] = "1",
        ["Scoring:ReputationStart"] = "0.05",
        ["Scoring:ReputationFloor"] = "0.05",
        ["Scoring:RemovalAfterFloorRounds"] = "2",
        ["Scoring:ReassignmentRounds"] = "0",
    };
}

/// <summary>A validator whose reputation stays at the floor for the genesis number of rounds is removed, once, and never drawn again.</summary>
public sealed class AutomaticRemovalTests(FloorSystem system) : IClassFixture<FloorSystem>
{
    private const int Validator = 6, Contributor = 1;

    [Fact]
    public async Task A_validator_at_the_reputation_floor_for_two_rounds_is_removed_with_its_reason_and_never_drawn_again()
    {
        Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(Validator)).StatusCode);
        var first = ScoringSystem.Submission(Contributor, "Lighthouse log, first week of the season, transcribed from the keeper's notes.");
        var second = ScoringSystem.Submission(Contributor, "Buoy positions checked against the chart after the winter storms, second survey.");
        await system.PublishAsync(first);
        await system.PublishAsync(second);
        // It commits to both and reveals neither: each close moves it by agreement 0, which leaves it at the floor.
        ulong nonce = 10;
        foreach (var id in new[] { first.ContributionId, second.ContributionId })
        {
            var commit = await Eventually.MatchesAsync(async () => (await system.CommitAsync(Validator, id, 50, nonce: nonce)).StatusCode,
                s => s == HttpStatusCode.Created, $"{id} assigned and committed", TimeSpan.FromSeconds(20));
            nonce++;
        }
        await system.ScoredAsync(first.ContributionId, ScoringSystem.ReviewWindow + TimeSpan.FromSeconds(20));
        await system.ScoredAsync(second.ContributionId, TimeSpan.FromSeconds(20));

        var removal = await Eventually.MatchesAsync(() => RemovalsAsync(), r => r.Count > 0, "the removal recorded", TimeSpan.FromSeconds(10));
        var removed = Assert.Single(removal);
        Assert.Equal(AnvilNode.DevAddresses[Validator], removed.GetProperty("validator").GetString());
        Assert.Equal("reputation", removed.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, removed.GetProperty("proposalId").ValueKind);
        Assert.Equal(2, await system.CountValidatorEventsAsync("reputation_changed", Validator));

        // Never drawn again: with nobody else admitted and registered, the next contribution has no validators at all.
        var third = ScoringSystem.Submission(Contributor, "Harbour master's notice to mariners, reissued after the removal of the validator.");
        await system.PublishAsync(third);
        Assert.Equal("no-validators", (await system.ScoredAsync(third.ContributionId)).Fallback);
        Assert.Single(await RemovalsAsync());

        // The local demo's crew (anvil's keys 3 to 7), started again after the removal, leaves the removed member out
        // and reviews with the rest, instead of waiting for an admission that will not come.
        var crew = new ValidatorCrew(system.Api, TestChain.Domain, 5, ValidatorCrew.ByContributionId);
        var leftOut = await crew.RegisterAsync(CancellationToken.None);
        Assert.Equal([AnvilNode.DevAddresses[Validator]], leftOut, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(4, crew.Size);

        // A crew of none (the load driver's --validators 0) registers nobody and is no error; it used to stop the driver
        // with "every validator of the crew has been removed".
        var none = new ValidatorCrew(system.Api, TestChain.Domain, 0, ValidatorCrew.ByContributionId);
        Assert.Empty(await none.RegisterAsync(CancellationToken.None));
        Assert.Equal(0, none.Size);
    }

    private async Task<List<JsonElement>> RemovalsAsync()
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data::text FROM history.mt_events WHERE type = 'validator_removed' AND stream_id = 'scoring/admissions'", connection);
        var found = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            found.Add(JsonDocument.Parse(reader.GetString(0)).RootElement);
        return found;
    }
}
