using System.Net;
using System.Text.Json;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A reviewer removed after it committed, in a community with nobody left to draw in its place (three validators, three
/// reviewers a case): its reveal would be refused, yet its cases used to wait for it until the reveal deadline (24 hours
/// by default). Its commitment is now forfeited without a replacement: a case whose other reviewers had revealed closes
/// at the removal, one whose others had not closes at the last of their reveals, the removed reviewer is moved as
/// unrevealed in both, and the auditors' replay recomputes it all.
/// </summary>
public sealed class ForfeitedCommitmentTests(LongWindowSystem system) : IClassFixture<LongWindowSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [3, 4, 5];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ulong _nonce = 300;

    [Fact]
    public async Task With_nobody_to_replace_a_removed_reviewer_its_cases_close_on_the_others_reviews_without_waiting_for_it()
    {
        foreach (var key in Validators)
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(key)).StatusCode);
        var revealedBefore = ScoringSystem.Submission(Contributor, "Bell-ringing rotas of the valley churches, with the peals rung each feast day.");
        var revealedAfter = ScoringSystem.Submission(Contributor, "Sheep marks of the hill farms, drawn and described, as the shepherds' guild keeps them.");
        await system.PublishAsync(revealedBefore);
        await system.PublishAsync(revealedAfter);
        var (first, second) = (revealedBefore.ContributionId, revealedAfter.ContributionId);
        var deadline = (await AssignedAsync(first)).GetProperty("windowClosesAt").GetDateTimeOffset();
        await AssignedAsync(second);

        // Every validator reviews both (there are only three); 5 commits to both and is then removed by a passed proposal.
        // The others reveal the first case before the removal, the second after it.
        var nonces = Validators.ToDictionary(k => k, _ => (First: _nonce++, Second: _nonce++));
        foreach (var key in Validators)
        {
            Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(key, first, 60 + key, nonce: nonces[key].First)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(key, second, 60 + key, nonce: nonces[key].Second)).StatusCode);
        }
        foreach (var key in new[] { 3, 4 })
            Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(key, first, 60 + key, nonce: nonces[key].First)).StatusCode);
        Assert.Null(system.Scored.GetValueOrDefault(first));
        await system.ActivateAsync("validator-removal", AnvilNode.DevAddresses[5]);

        // The first case had only the removed reviewer's reveal left to wait for: it closes at the removal, replaced by nobody.
        var scoredFirst = await system.ScoredAsync(first, Patience);
        Assert.Empty(await system.EventsAsync("reviewer_reassigned", first));
        Assert.Null(scoredFirst.Fallback);
        AssertReviewedBy(scoredFirst.Reviews!, 3, 4);

        // The second closes at the last of the others' reveals, though the removed reviewer never revealed.
        Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(3, second, 63, nonce: nonces[3].Second)).StatusCode);
        Assert.Null(system.Scored.GetValueOrDefault(second));
        Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(4, second, 64, nonce: nonces[4].Second)).StatusCode);
        var scoredSecond = await system.ScoredAsync(second, Patience);
        AssertReviewedBy(scoredSecond.Reviews!, 3, 4);
        Assert.Empty(await system.EventsAsync("reviewer_reassigned", second));
        foreach (var scored in new[] { scoredFirst, scoredSecond })
            Assert.True(scored.ScoredAt < deadline - LongWindowSystem.LongReviewWindow / 2, $"scored at {scored.ScoredAt:O}, the reveal deadline {deadline:O}");

        // The removed reviewer's reveal is refused and changes nothing; its forfeited commitments cost it as unrevealed, once each.
        using (var refused = await system.RevealAsync(5, second, 65, nonce: nonces[5].Second))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        foreach (var id in new[] { first, second })
        {
            var moves = await system.EventsAsync("reputation_changed", id);
            var removedMove = Assert.Single(moves, m => string.Equals(m.GetProperty("validator").GetString(), AnvilNode.DevAddresses[5], StringComparison.OrdinalIgnoreCase));
            Assert.Equal("unrevealed", removedMove.GetProperty("reason").GetString());
            Assert.Equal(2, await system.CountEventsAsync("review_submitted", id));
        }

        // The auditors' replay recomputes both closes and every reputation move from the history alone.
        var replayed = await Eventually.MatchesAsync(system.ReplayAsync, r => r.GetProperty("assignments").GetProperty("pending").GetInt32() == 0,
            "the cases' seed rounds revealed", Patience);
        Assert.Empty(replayed.GetProperty("assignments").GetProperty("findings").EnumerateArray());
        Assert.Empty(replayed.GetProperty("reputation").GetProperty("findings").EnumerateArray());
        Assert.Empty(replayed.GetProperty("scores").GetProperty("findings").EnumerateArray());
    }

    private async Task<JsonElement> AssignedAsync(string id)
    {
        var assigned = await Eventually.MatchesAsync(() => system.EventsAsync("reviewers_assigned", id), a => a.Count == 1, "reviewers assigned", Patience);
        var reviewers = assigned[0].GetProperty("reviewers").EnumerateArray().Select(r => r.GetProperty("validator").GetString()!);
        Assert.Equal(Validators.Select(k => AnvilNode.DevAddresses[k]).Order(StringComparer.OrdinalIgnoreCase),
            reviewers.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        return assigned[0];
    }

    private static void AssertReviewedBy(IEnumerable<Contracts.ScoredReview> reviews, params int[] keys) =>
        Assert.Equal(keys.Select(k => AnvilNode.DevAddresses[k]).Order(StringComparer.OrdinalIgnoreCase),
            reviews.Select(r => r.Validator).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
}
