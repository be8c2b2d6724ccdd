using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>Windows long enough that only a case's reviews, not its deadlines, can close it while the test runs.</summary>
public sealed class LongWindowSystem : ScoringSystem
{
    public static readonly TimeSpan LongReviewWindow = TimeSpan.FromMinutes(2);

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewWindow"] = LongReviewWindow.ToString(),
        ["Scoring:CommitWindow"] = TimeSpan.FromMinutes(1).ToString(),
    };
}

/// <summary>
/// A reviewer removed after it committed can never reveal (its reveal is refused), so its case used to wait for the reveal
/// deadline (24 hours by default) and then close on the reviews it had. Its commitment is now forfeited at the removal: a
/// replacement is drawn from the case's seed, the case closes as soon as the replacement has revealed, the removed reviewer
/// is moved as unrevealed, and the auditors' replay recomputes it all.
/// </summary>
public sealed class RemovedCommitmentTests(LongWindowSystem system) : IClassFixture<LongWindowSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [3, 4, 5, 6, 7];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ulong _nonce = 100;

    [Fact]
    public async Task A_removed_reviewers_commitment_is_handed_on_and_the_case_closes_on_its_replacements_review()
    {
        foreach (var key in Validators)
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(key)).StatusCode);
        var submitted = ScoringSystem.Submission(Contributor, "Ferry timetables of the estuary crossings, winter and summer, with the tides they wait for.");
        await system.PublishAsync(submitted);
        var id = submitted.ContributionId;
        var assigned = await Eventually.MatchesAsync(() => system.EventsAsync("reviewers_assigned", id), a => a.Count == 1, "reviewers assigned", Patience);
        var reviewers = assigned[0].GetProperty("reviewers").EnumerateArray().Select(r => Key(r.GetProperty("validator").GetString()!)).ToList();
        Assert.Equal(3, reviewers.Count);
        var (stays1, stays2, removed) = (reviewers[0], reviewers[1], reviewers[2]);

        // All three commit; two reveal. The third is then removed by a passed proposal before it reveals.
        var nonces = reviewers.ToDictionary(k => k, _ => _nonce++);
        foreach (var key in reviewers)
            Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(key, id, 70 + key, nonce: nonces[key])).StatusCode);
        foreach (var key in new[] { stays1, stays2 })
            Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(key, id, 70 + key, nonce: nonces[key])).StatusCode);
        await system.ActivateAsync("validator-removal", AnvilNode.DevAddresses[removed]);

        // Handed on although it had committed: a replacement drawn in its place, with a commit window of its own.
        var handedOn = (await Eventually.MatchesAsync(() => system.EventsAsync("reviewer_reassigned", id), r => r.Count == 1, "the commitment handed on", Patience))[0];
        Assert.Equal(AnvilNode.DevAddresses[removed], handedOn.GetProperty("replaced").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("removed", handedOn.GetProperty("reason").GetString());
        var replacement = Key(handedOn.GetProperty("replacement").GetProperty("validator").GetString()!);
        Assert.DoesNotContain(replacement, reviewers);

        // The removed reviewer's reveal is refused and changes nothing.
        var submittedReviews = await system.CountEventsAsync("review_submitted", id);
        using (var refused = await system.RevealAsync(removed, id, 70 + removed, nonce: nonces[removed]))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(submittedReviews, await system.CountEventsAsync("review_submitted", id));
        Assert.Null(system.Scored.GetValueOrDefault(id));

        // The replacement's review completes the case at once, long before its reveal deadline.
        var nonce = _nonce++;
        Assert.Equal(HttpStatusCode.Created, (await system.CommitAsync(replacement, id, 70 + replacement, nonce: nonce)).StatusCode);
        using (var revealed = await system.RevealAsync(replacement, id, 70 + replacement, nonce: nonce))
            Assert.Equal(HttpStatusCode.Created, revealed.StatusCode);
        var scored = await system.ScoredAsync(id, Patience);
        Assert.Null(scored.Fallback);
        Assert.Equal(new[] { stays1, stays2, replacement }.Select(k => AnvilNode.DevAddresses[k]).Order(StringComparer.OrdinalIgnoreCase),
            scored.Reviews!.Select(r => r.Validator).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.True(scored.ScoredAt < handedOn.GetProperty("windowClosesAt").GetDateTimeOffset() - LongWindowSystem.LongReviewWindow / 2,
            $"scored at {scored.ScoredAt:O}, the reveal deadline {handedOn.GetProperty("windowClosesAt")}");

        // The forfeited commitment costs its validator reputation as unrevealed, once.
        var moves = await system.EventsAsync("reputation_changed", id);
        var removedMove = Assert.Single(moves, m => string.Equals(m.GetProperty("validator").GetString(), AnvilNode.DevAddresses[removed], StringComparison.OrdinalIgnoreCase));
        Assert.Equal("unrevealed", removedMove.GetProperty("reason").GetString());
        Assert.Equal(4, moves.Count);
        // As its page shows it: the newest change first, read from its stream.
        var view = await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[removed]}");
        var recent = view.GetProperty("recentChanges");
        Assert.Equal(1, recent.GetArrayLength());
        Assert.Equal("unrevealed", recent[0].GetProperty("reason").GetString());
        Assert.Equal(id, recent[0].GetProperty("contributionId").GetString());
        Assert.Equal(recent[0].GetProperty("next").GetDecimal(), view.GetProperty("reputation").GetDecimal());

        // The auditors' replay recomputes the replacement (a removal precedes it) and every reputation move.
        var replayed = await Eventually.MatchesAsync(system.ReplayAsync, r => r.GetProperty("assignments").GetProperty("pending").GetInt32() == 0,
            "the case's seed round revealed", Patience);
        Assert.Empty(replayed.GetProperty("assignments").GetProperty("findings").EnumerateArray());
        Assert.Empty(replayed.GetProperty("reputation").GetProperty("findings").EnumerateArray());
        Assert.Equal(1, replayed.GetProperty("assignments").GetProperty("reassigned").GetInt32());
    }

    private static int Key(string address) =>
        AnvilNode.DevAddresses.Select((a, i) => (a, i)).Single(x => string.Equals(x.a, address, StringComparison.OrdinalIgnoreCase)).i;
}
