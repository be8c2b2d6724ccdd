using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// One validator's nonce sent to several contributions at the same moment. A commitment, and a reveal that closes nothing,
/// hold only their case's lock, so these requests run side by side and each reads the nonce as unused: the nonce's primary
/// key must let exactly one through and leave nothing of the others. On a system of its own; validators are anvil dev
/// keys 2–5, key 1 contributes.
/// </summary>
public sealed class ConcurrentNonceTests(ScoringSystem system) : IClassFixture<ScoringSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [2, 3, 4, 5];

    [Fact]
    public async Task One_nonce_sent_to_several_contributions_at_once_is_accepted_once_and_the_rest_change_nothing()
    {
        foreach (var key in Validators)
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(key)).StatusCode);
        string[] texts =
        [
            "Tide-gauge readings of a harbour, one an hour for a year, checked against the chart datum by the harbourmaster.",
            "Recipes from a village cookbook transcribed with quantities converted to grams and oven temperatures to Celsius.",
            "Sign-language clips of the hundred commonest words, each filmed from two angles and glossed by a deaf teacher.",
            "Bus timetables of a rural county matched to the stops' coordinates, with the routes that run on school days only.",
            "Soil moisture logged every ten minutes under three crops, with the rain gauge and the irrigation diary beside it.",
            "Court judgments on tenancy disputes, anonymised, each tagged with the statute sections it relies on and its outcome.",
        ];
        var ids = new List<string>();
        foreach (var text in texts)
        {
            var submitted = ScoringSystem.Submission(Contributor, text);
            await system.PublishAsync(submitted);
            ids.Add(submitted.ContributionId);
        }
        var reviewers = new Dictionary<string, List<int>>();
        foreach (var id in ids)
            reviewers[id] = await system.AssignedAsync(id, Validators);
        // Six cases of three reviewers among four validators: someone reviews at least five of them.
        var racer = Validators.MaxBy(key => reviewers.Values.Count(r => r.Contains(key)));
        var raced = ids.Where(id => reviewers[id].Contains(racer)).ToList();
        Assert.True(raced.Count >= 2);

        // Commitments: one nonce for every case at once.
        var commits = await Task.WhenAll(raced.Select(id => system.CommitAsync(racer, id, 70, nonce: 500)));

        var committed = Assert.Single(raced, id => commits[raced.IndexOf(id)].StatusCode == HttpStatusCode.Created);
        foreach (var refused in commits.Where(r => r.StatusCode != HttpStatusCode.Created))
            await AssertNonceUsedAsync(refused);
        foreach (var id in raced)
            Assert.Equal(id == committed ? 1 : 0, await system.CountEventsAsync("review_committed", id));

        // The rest commit under nonces of their own, and every other reviewer reviews, so each of the racer's reveals would
        // close its case; then every reveal at once under one nonce.
        var saltNonces = raced.ToDictionary(id => id, id => id == committed ? 500UL : 501UL + (ulong)raced.IndexOf(id));
        var others = raced.SelectMany(id => reviewers[id].Where(key => key != racer).Select(key => (Key: key, Id: id))).ToList();
        var rest = await Task.WhenAll(raced.Where(id => id != committed).Select(id => system.CommitAsync(racer, id, 70, nonce: saltNonces[id]))
            .Concat(others.Select((o, i) => system.CommitAsync(o.Key, o.Id, 72, nonce: 900 + (ulong)i))));
        Assert.All(rest, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var othersRevealed = await Task.WhenAll(others.Select((o, i) => system.RevealAsync(o.Key, o.Id, 72, nonce: 900 + (ulong)i)));
        Assert.All(othersRevealed, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var reveals = await Task.WhenAll(raced.Select(id => system.RevealAsync(racer, id, 70, nonce: 700, saltNonce: saltNonces[id])));

        var closed = Assert.Single(raced, id => reveals[raced.IndexOf(id)].StatusCode == HttpStatusCode.Created);
        foreach (var refused in reveals.Where(r => r.StatusCode != HttpStatusCode.Created))
            await AssertNonceUsedAsync(refused);
        Assert.Equal(3, (await system.ScoredAsync(closed)).Reviews!.Count);
        foreach (var id in raced.Where(id => id != closed))
        {
            var @case = await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{id}");
            Assert.Equal(2, @case.GetProperty("revealed").GetArrayLength());
            Assert.Equal(0, await system.CountEventsAsync("contribution_scored", id));

            // Nothing of the refused reveal was kept: the honest one, under a fresh nonce, closes the case.
            Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(racer, id, 70, nonce: 800 + (ulong)raced.IndexOf(id), saltNonce: saltNonces[id])).StatusCode);
            Assert.Equal(3, (await system.ScoredAsync(id)).Reviews!.Count);
        }
        Assert.Equal(raced.Count, await system.CountValidatorEventsAsync("review_submitted", racer));
    }

    private static async Task AssertNonceUsedAsync(HttpResponseMessage refused)
    {
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Nonce already used", problem.GetProperty("title").GetString());
        Assert.Equal("nonce", problem.GetProperty("field").GetString());
    }
}
