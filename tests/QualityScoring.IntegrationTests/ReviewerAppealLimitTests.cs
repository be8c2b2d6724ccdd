using System.Net;
using System.Net.Http.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// The limits on a reviewer's appeal that need a system of their own: its appeals draw on the same per-signer allowance as
/// anyone's, and a reviewer removed since the case closed has lost its standing. Kept apart from <see cref="AppealTests"/>
/// because removing a validator shrinks every later panel, and an allowance is counted per signer across the whole system.
/// </summary>
public sealed class ReviewerAppealLimitTests(ReviewerAppealSystem system) : AppealScenario(system), IClassFixture<ReviewerAppealSystem>
{
    // Validators that have appealed in this system today, whatever the answer: the allowance counts every verified request,
    // so the allowance test signs with a reviewer that has not.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> Appealed = new();

    [Fact]
    public async Task A_reviewers_appeals_draw_on_the_signers_allowance_like_anyone_elses()
    {
        var (id, first) = await ScoredAsync("Allowance: the harbour's mooring fees by boat length, season by season.", 35);
        await using var strict = Scoring.StartReplica(new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "1" });
        using var client = strict.CreateClient();

        var appellant = first.First(key => !Appealed.ContainsKey(key));
        Appealed[appellant] = true;
        Assert.Equal(HttpStatusCode.Created, (await AppealAsync(appellant, id, "One appeal.", client: client)).StatusCode);
        // Its next appeal is refused at the allowance, before anything else is looked at (an unknown id would be a 404).
        await AssertProblemAsync(await AppealAsync(appellant, Hex.Encode(new byte[32]), "Another.", client: client),
            HttpStatusCode.TooManyRequests, "Too many appeals", "signature");
    }

    /// <summary>
    /// A filed appeal is published with its signature, so anyone can send it again. Before, each replay took one of the
    /// appellant's allowance: a few replays kept the appellant from appealing anything else that day.
    /// </summary>
    [Fact]
    public async Task Replaying_a_filed_appeal_uses_none_of_the_appellants_allowance()
    {
        // The contributor appeals nowhere else in this system, so its allowance here is whole.
        var (id, _) = await ScoredAsync("Replayed: the harbour master's tide tables, corrected for the new breakwater.", 40);
        await using var strict = Scoring.StartReplica(new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "2" });
        using var client = strict.CreateClient();
        var payload = new AppealPayload(Anvil(Contributor), id, "Filed once, then sent again by others.", Nonce(), Deadline());
        var published = Body(payload, TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[Contributor]));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/appeals", published)).StatusCode);

        // The attack: the filed appeal sent again more times than the whole allowance.
        for (var i = 0; i < 3; i++)
            await AssertProblemAsync(await client.PostAsJsonAsync("/api/appeals", published), HttpStatusCode.Conflict, "Already appealed", "contributionId");

        // The one left of its two is still there (an appeal of an unknown contribution uses it), and only then is it gone.
        Assert.Equal(HttpStatusCode.NotFound, (await AppealAsync(Contributor, Hex.Encode(new byte[32]), "Another.", client: client)).StatusCode);
        await AssertProblemAsync(await AppealAsync(Contributor, Hex.Encode(new byte[32]), "One more.", client: client),
            HttpStatusCode.TooManyRequests, "Too many appeals", "signature");
        Assert.Equal(1, await Scoring.CountEventsAsync("appeal_filed", id));
    }

    [Fact]
    public async Task A_reviewer_removed_after_the_case_closed_may_not_appeal_it_and_nothing_is_recorded()
    {
        var (id, first) = await ScoredAsync("Removed: berth depths of the inner basin at the lowest astronomical tide.", 45);
        var removed = first[0];
        Appealed[removed] = Appealed[first[1]] = true;
        await Scoring.ActivateAsync("validator-removal", Anvil(removed));
        await Eventually.MatchesAsync(() => Scoring.CountValidatorEventsAsync("validator_removed", removed), n => n == 1, $"validator {removed} removed", Patience);

        await AssertProblemAsync(await AppealAsync(removed, id, "Removed, but still of the view."), HttpStatusCode.Forbidden, "Not admitted", "appellant");
        Assert.Equal(0, await Scoring.CountEventsAsync("appeal_filed", id));
        // Another reviewer of the same case still may.
        Assert.Equal(HttpStatusCode.Created, (await AppealAsync(first[1], id, "Still of the view.")).StatusCode);

        // Admitted again by governance, so the class's other cases have every validator to draw from.
        await Scoring.AdmitAsync([Anvil(removed)]);
    }
}

/// <summary>A system of its own for <see cref="ReviewerAppealLimitTests"/>.</summary>
public sealed class ReviewerAppealSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Scoring:AppealsPerSigner"] = "100" };
}
