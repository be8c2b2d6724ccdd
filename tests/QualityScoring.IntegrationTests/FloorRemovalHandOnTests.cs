using System.Net;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A removal for reputation is recorded inside a case's close, which cannot take the locks of the validator's other cases;
/// its open assignments are handed on right after, as a voted removal's are, instead of waiting for their deadlines.
/// </summary>
public sealed class FloorRemovalHandOnTests(FloorSystem system) : IClassFixture<FloorSystem>
{
    private const int Careless = 6, Replacement = 7, Contributor = 1;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ulong _nonce = 10;

    [Fact]
    public async Task A_validator_removed_at_the_floor_has_its_committed_case_handed_on_at_once()
    {
        Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(Careless)).StatusCode);
        // Two cases it commits to and never reveals, the second a few seconds later, so they close (and move it to the floor,
        // then remove it) one after the other; the third is assigned between the two closes, while it is still admitted.
        var first = ScoringSystem.Submission(Contributor, "Tide tables copied from the harbour office board, spring to autumn.");
        var second = ScoringSystem.Submission(Contributor, "Names of the fishing boats registered at the port in the last ten years.");
        var third = ScoringSystem.Submission(Contributor, "Opening hours of the lock gates through the year, with the maintenance weeks.");
        await system.PublishAsync(first);
        await CommitAsync(Careless, first.ContributionId);
        await Task.Delay(ScoringSystem.CommitWindow / 2);
        await system.PublishAsync(second);
        await CommitAsync(Careless, second.ContributionId);
        await system.ScoredAsync(first.ContributionId, ScoringSystem.ReviewWindow + Patience);
        await system.PublishAsync(third);
        await CommitAsync(Careless, third.ContributionId);
        Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(Replacement)).StatusCode);

        await system.ScoredAsync(second.ContributionId, ScoringSystem.ReviewWindow + Patience);
        Assert.Equal(1, await system.CountValidatorEventsAsync("validator_removed", Careless));
        var handedOn = (await Eventually.MatchesAsync(() => system.EventsAsync("reviewer_reassigned", third.ContributionId), r => r.Count == 1,
            "the third case handed on", Patience))[0];
        Assert.Equal("removed", handedOn.GetProperty("reason").GetString());
        Assert.Equal(AnvilNode.DevAddresses[Replacement], handedOn.GetProperty("replacement").GetProperty("validator").GetString(), StringComparer.OrdinalIgnoreCase);

        // Decided by the replacement's review, not by the fallback at the deadline.
        var nonce = await CommitAsync(Replacement, third.ContributionId);
        Assert.Equal(HttpStatusCode.Created, (await system.RevealAsync(Replacement, third.ContributionId, 80, nonce: nonce)).StatusCode);
        var scored = await system.ScoredAsync(third.ContributionId, Patience);
        Assert.Null(scored.Fallback);
        Assert.Equal(AnvilNode.DevAddresses[Replacement], Assert.Single(scored.Reviews!).Validator, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Commits a review of 80 once the case is assigned to the validator; returns the nonce to reveal it with.</summary>
    private async Task<ulong> CommitAsync(int key, string contributionId)
    {
        var nonce = _nonce++;
        await Eventually.MatchesAsync(async () => (await system.CommitAsync(key, contributionId, 80, nonce: nonce)).StatusCode,
            s => s == HttpStatusCode.Created, $"{contributionId} assigned to {key} and committed", Patience);
        return nonce;
    }
}
