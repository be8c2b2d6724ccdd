using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>One reviewer per contribution and a quorum of one, so a single absent reviewer would leave a case without reviews.</summary>
public sealed class OneReviewerSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "1",
        ["Scoring:Quorum"] = "1",
        ["Scoring:ReassignmentRounds"] = "1",
    };
}

/// <summary>
/// An assigned validator who never commits no longer costs the case its review: when the commit window closes it is
/// replaced by a validator drawn from the case's own seed, whose review decides the case, and the absentee is refused.
/// </summary>
public sealed class ReassignmentTests(OneReviewerSystem system) : IClassFixture<OneReviewerSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [4, 5];

    [Fact]
    public async Task An_absent_reviewer_is_replaced_at_the_commit_deadline_and_the_replacements_review_decides_the_case()
    {
        foreach (var key in Validators)
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(key)).StatusCode);
        var submitted = ScoringSystem.Submission(Contributor, "Depth soundings of the outer channel, taken at low water in calm weather.");
        var start = DateTimeOffset.UtcNow;
        await system.PublishAsync(submitted);
        var absent = await Eventually.MatchesAsync(() => AssignedToAsync(submitted.ContributionId), k => k is not null, "a reviewer assigned", TimeSpan.FromSeconds(20));
        var present = Validators.Single(k => k != absent);

        // The absent reviewer lets the commit window pass; the other validator is drawn in its place.
        var reassigned = await Eventually.MatchesAsync(() => ReassignedAsync(submitted.ContributionId), r => r is not null,
            "the absent reviewer replaced", ScoringSystem.CommitWindow + TimeSpan.FromSeconds(15));
        Assert.Equal(AnvilNode.DevAddresses[absent!.Value], reassigned!.Value.GetProperty("replaced").GetString());
        Assert.Equal(AnvilNode.DevAddresses[present], reassigned.Value.GetProperty("replacement").GetProperty("validator").GetString());
        Assert.Equal("absent", reassigned.Value.GetProperty("reason").GetString());
        Assert.Equal(1, reassigned.Value.GetProperty("round").GetInt32());
        Assert.Equal(AnvilNode.DevAddresses[present], reassigned.Value.GetProperty("candidates")[0].GetProperty("validator").GetString());

        // The absentee is not assigned any more: its late commitment is refused and changes nothing.
        using (var late = await system.CommitAsync(absent.Value, submitted.ContributionId, 10, nonce: 2))
            Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.Equal(0, await system.CountEventsAsync("review_committed", submitted.ContributionId));

        // The replacement reviews, and its reveal closes the case by consensus: no fallback, no waiting out the window.
        using (var review = await system.ReviewAsync(present, submitted.ContributionId, 80, nonce: 2))
            Assert.True(review.IsSuccessStatusCode, await review.Content.ReadAsStringAsync());
        var scored = await system.ScoredAsync(submitted.ContributionId, TimeSpan.FromSeconds(15));
        Assert.Null(scored.Fallback);
        Assert.Equal(AnvilNode.DevAddresses[present], Assert.Single(scored.Reviews!).Validator);
        Assert.True(scored.ScoredAt - start < ScoringSystem.ReviewWindow + ScoringSystem.CommitWindow,
            $"scored {scored.ScoredAt - start} after submission");

        // One replacement, recorded once.
        Assert.Equal(1, await system.CountEventsAsync("reviewer_reassigned", submitted.ContributionId));
    }

    private async Task<int?> AssignedToAsync(string contributionId)
    {
        foreach (var key in Validators)
        {
            var open = await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}/assignments");
            if (open.EnumerateArray().Any(a => string.Equals(a.GetProperty("contributionId").GetString(), contributionId, StringComparison.OrdinalIgnoreCase)))
                return key;
        }
        return null;
    }

    private async Task<JsonElement?> ReassignedAsync(string contributionId)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data::text FROM history.mt_events WHERE type = 'reviewer_reassigned' AND data->>'contributionId' = @id", connection);
        command.Parameters.AddWithValue("id", contributionId);
        return await command.ExecuteScalarAsync() is string json ? JsonDocument.Parse(json).RootElement : null;
    }
}
