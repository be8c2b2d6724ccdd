using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Reviews that arrive at the same moment, on a system of their own so the reputations they move change no other
/// class's expectations. Validators are anvil dev keys 2–5; key 1 contributes.
/// </summary>
public sealed class ConcurrentReviewTests(ScoringSystem system) : IClassFixture<ScoringSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [2, 3, 4, 5];

    [Fact]
    public async Task Reviews_arriving_together_reach_one_consensus_and_every_view_counts_what_the_history_holds()
    {
        foreach (var key in Validators)
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(key)).StatusCode);
        string[] texts =
        [
            "Annotated chest X-ray findings with the radiologist's confidence for each of the labelled regions.",
            "Parallel corpus of Welsh and English council minutes, aligned sentence by sentence by two translators.",
            "Unit-tested Rust snippets showing ownership errors next to the compiler message and the accepted fix.",
        ];
        var contributions = texts.Select(text => ScoringSystem.Submission(Contributor, text)).ToList();
        foreach (var submitted in contributions)
            await system.PublishAsync(submitted);
        var reviews = new List<(int Key, string ContributionId)>();
        foreach (var submitted in contributions)
            reviews.AddRange((await system.AssignedAsync(submitted.ContributionId, Validators)).Select(key => (key, submitted.ContributionId)));

        // Every review of every contribution at once: they contend for the cases' and the validators' locks.
        var responses = await Task.WhenAll(reviews.Select((r, i) => system.ReviewAsync(r.Key, r.ContributionId, 60 + i % 3 * 5, nonce: (ulong)(100 + i))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        foreach (var submitted in contributions)
        {
            var id = submitted.ContributionId;
            var finals = new List<int>();
            foreach (var response in responses.Where((_, i) => reviews[i].ContributionId == id))
                if ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("finalScore") is { ValueKind: JsonValueKind.Number } final)
                    finals.Add(final.GetInt32());
            var scored = await system.ScoredAsync(id);
            Assert.Equal(scored.Score, Assert.Single(finals));
            Assert.Equal(3, scored.Reviews!.Count);
            Assert.Equal(3, await system.CountEventsAsync("review_submitted", id));
            Assert.Equal(1, await system.CountEventsAsync("contribution_scored", id));
        }
        foreach (var key in Validators)
        {
            var view = await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}");
            Assert.Equal(reviews.Count(r => r.Key == key), view.GetProperty("reviewsSubmitted").GetInt32());
            Assert.Equal(await system.CountValidatorEventsAsync("review_submitted", key), view.GetProperty("reviewsSubmitted").GetInt32());
            Assert.Equal(await system.CountValidatorEventsAsync("reputation_changed", key), view.GetProperty("consensusReached").GetInt32());
        }

        // The next contribution weighs its reviewers by the reputations those consensuses left.
        var next = ScoringSystem.Submission(Contributor, "Bird-song recordings labelled by species, site and hour, checked against a field guide.");
        await system.PublishAsync(next);
        await system.AssignedAsync(next.ContributionId, Validators);
        var @case = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{next.ContributionId}");
        var weights = @case.GetProperty("assignment").GetProperty("reviewers").EnumerateArray().ToList();
        Assert.Equal(3, weights.Count);
        Assert.Contains(weights, w => w.GetProperty("reputation").GetDecimal() != 0.5m);
        foreach (var weight in weights)
        {
            var view = await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{weight.GetProperty("validator").GetString()}");
            Assert.Equal(view.GetProperty("reputation").GetDecimal(), weight.GetProperty("reputation").GetDecimal());
        }
    }
}
