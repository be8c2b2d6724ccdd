using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>Automated checks over the real bus, with no validator registered: every score is final at once.</summary>
public sealed class DuplicateDetectionTests(ScoringSystemWithoutValidators system) : IClassFixture<ScoringSystemWithoutValidators>
{
    private const string Original =
        "Retrieval-augmented generation grounds a language model's answer in passages fetched from an index at query time, " +
        "so the model can cite sources and stay current without retraining its weights.";

    [Fact]
    public async Task Without_validators_a_contribution_is_scored_at_once_by_the_automated_checks_and_flagged_as_a_fallback()
    {
        var submitted = ScoringSystem.Submission(1, "A short but valid labelled sample about tokenisers and byte-pair merges.");
        await system.PublishAsync(submitted);

        var scored = await system.ScoredAsync(submitted.ContributionId);

        Assert.Equal(80, scored.Score);
        Assert.Equal("no-validators", scored.Fallback);
        Assert.Contains("fallback:no-validators", scored.Components!.Flags);
        Assert.Equal("scoring-1", scored.PolicyVersion);
        Assert.Empty(scored.Reviews!);
    }

    [Fact]
    public async Task An_exact_duplicate_scores_zero_and_names_the_original()
    {
        var original = ScoringSystem.Submission(2, Original + " (exact)");
        await system.PublishAsync(original);
        await system.ScoredAsync(original.ContributionId);
        var copy = ScoringSystem.Submission(3, Original + " (exact)");

        await system.PublishAsync(copy);
        var scored = await system.ScoredAsync(copy.ContributionId);

        Assert.Equal(0, scored.Score);
        Assert.Contains("exact-duplicate", scored.Components!.Flags);
        // The score explains itself: the copy's zero names the original.
        Assert.Equal(original.ContributionId, scored.Components.DuplicateOf);
        var checks = await ChecksAsync(copy.ContributionId);
        Assert.Equal(original.ContributionId, checks.GetProperty("duplicateOf").GetString());
        Assert.Equal(copy.ContentHash, checks.GetProperty("contentHash").GetString());
    }

    [Fact]
    public async Task A_near_duplicate_scores_zero_and_names_the_closest_original_while_an_unrelated_text_passes()
    {
        var original = ScoringSystem.Submission(2, Original);
        await system.PublishAsync(original);
        await system.ScoredAsync(original.ContributionId);

        var edited = ScoringSystem.Submission(4, Original.Replace("stay current", "remain current", StringComparison.Ordinal));
        var unrelated = ScoringSystem.Submission(4, "Photosynthesis turns light, water and carbon dioxide into sugar and oxygen inside chloroplasts of green plants.");
        await system.PublishAsync(edited);
        await system.PublishAsync(unrelated);

        var nearScore = await system.ScoredAsync(edited.ContributionId);
        Assert.Equal(0, nearScore.Score);
        Assert.Contains("near-duplicate", nearScore.Components!.Flags);
        Assert.Equal(original.ContributionId, nearScore.Components.NearDuplicateOf);
        Assert.InRange(nearScore.Components.NearDuplicateSimilarity!.Value, 0.8, 1.0);
        var checks = await ChecksAsync(edited.ContributionId);
        Assert.Equal(original.ContributionId, checks.GetProperty("nearDuplicateOf").GetString());
        Assert.True(checks.GetProperty("nearDuplicateSimilarity").GetDouble() >= 0.8);
        Assert.Equal(80, (await system.ScoredAsync(unrelated.ContributionId)).Score);
        Assert.Equal(JsonValueKind.Null, (await ChecksAsync(unrelated.ContributionId)).GetProperty("nearDuplicateOf").ValueKind);
    }

    [Fact]
    public async Task A_redelivered_contribution_is_scored_once()
    {
        var submitted = ScoringSystem.Submission(5, "Redelivery must never produce a second score for the same contribution id.");
        await system.PublishAsync(submitted);
        await system.PublishAsync(submitted);
        await system.ScoredAsync(submitted.ContributionId);
        await system.PublishAsync(submitted);
        await Task.Delay(1000);

        Assert.Equal(1, await system.CountEventsAsync("contribution_scored", submitted.ContributionId));
        Assert.Equal(1, await system.CountEventsAsync("automated_checks_completed", submitted.ContributionId));
        Assert.Single(system.ScoredMessages, m => m.ContributionId == submitted.ContributionId);
    }

    [Fact]
    public async Task Of_copies_arriving_together_exactly_one_is_the_original_the_others_name_it_and_only_it_is_indexed()
    {
        const string exactText = "Copies that arrive together race for one content hash; the lock on it must crown exactly one original.";
        const string nearText = "Near copies that arrive together share every LSH band, and the band locks must crown exactly one original.";
        var exact = Enumerable.Range(0, 6).Select(i => ScoringSystem.Submission(1 + i % 5, exactText)).ToList();
        // Case and spacing differ, so the bytes (and content hashes) differ while the normalised texts are the same.
        string[] variants = [nearText, nearText.ToUpperInvariant(), nearText.Replace(" ", "  ", StringComparison.Ordinal),
            "  " + nearText, nearText + " \n", nearText.Replace(' ', '\t')];
        var near = variants.Select((text, i) => ScoringSystem.Submission(1 + i % 5, text)).ToList();

        await Task.WhenAll(exact.Concat(near).Select(system.PublishAsync));
        foreach (var submitted in exact.Concat(near))
            await system.ScoredAsync(submitted.ContributionId);

        var exactOriginal = await SingleOriginalAsync(exact, "duplicateOf");
        var nearOriginal = await SingleOriginalAsync(near, "nearDuplicateOf");
        var ids = exact.Concat(near).Select(s => s.ContributionId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(new[] { exactOriginal, nearOriginal }.Order(StringComparer.OrdinalIgnoreCase),
            (await system.IndexedAsync()).Where(ids.Contains).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.Empty(await system.IndexedWithoutHistoryAsync());
    }

    /// <summary>The one contribution of the group that names no earlier one; every other names it in <paramref name="field"/>.</summary>
    private async Task<string> SingleOriginalAsync(IReadOnlyList<Contracts.ContributionSubmitted> group, string field)
    {
        var checks = new List<(string Id, JsonElement Checks)>();
        foreach (var submitted in group)
            checks.Add((submitted.ContributionId, await ChecksAsync(submitted.ContributionId)));
        var original = Assert.Single(checks, c => c.Checks.GetProperty(field).ValueKind == JsonValueKind.Null).Id;
        Assert.All(checks.Where(c => c.Id != original), c =>
        {
            Assert.Equal(original, c.Checks.GetProperty(field).GetString(), StringComparer.OrdinalIgnoreCase);
            Assert.Equal(0, c.Checks.GetProperty("score").GetInt32());
        });
        return original;
    }

    private async Task<JsonElement> ChecksAsync(string contributionId) =>
        (await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{contributionId}")).GetProperty("checks");
}
