using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.Testing;
using MassTransit;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Content reaches quality-scoring only privately (<see cref="ScoringContents"/>), and is used only when it is the content
/// the contributor signed: the history and the public notice carry the hash alone.
/// </summary>
public sealed class PrivateContentTests(ScoringSystemWithoutValidators system) : IClassFixture<ScoringSystemWithoutValidators>, IAsyncLifetime
{
    private const string Original =
        "Tokenisers split text into subword units; byte-pair encoding merges the most frequent adjacent pairs until the " +
        "vocabulary reaches its target size, which keeps rare words representable.";

    private IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(system.Broker)));
        await _bus.StartAsync();
    }

    public async Task DisposeAsync() => await _bus.StopAsync();

    /// <summary>A contribution recorded as the contributions service now records it: salted content, hash and size only.</summary>
    private static (ContributionSubmitted Submitted, byte[] Stored) Salted(int contributorKey, string text)
    {
        var stored = ContentSalt.Add(Encoding.UTF8.GetBytes(text));
        return (new ContributionSubmitted(Hex.Encode(RandomNumberGenerator.GetBytes(32)), AnvilNode.DevAddresses[contributorKey], "data",
            Hex.Encode(SHA256.HashData(stored)), "ipfs://bafy" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), "1",
            DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), "0x" + new string('0', 130), stored.Length, DateTimeOffset.UtcNow), stored);
    }

    /// <summary>One content, as the contributions service sends it (a <see cref="ScoringContents"/> of one).</summary>
    private Task SendContentAsync(string contributionId, byte[] content) =>
        SendAsync(new ScoringContents([new ScoringContent(contributionId, Convert.ToBase64String(content))]));

    private async Task SendAsync<T>(T message) where T : class =>
        await (await _bus.GetSendEndpoint(new Uri("queue:" + ScoringContent.QueueName))).Send(message);

    private async Task<long> ChecksRecordedAsync(string contributionId) => await system.CountEventsAsync("automated_checks_completed", contributionId);

    [Fact]
    public async Task A_contribution_waits_for_its_content_and_content_that_is_not_the_signed_one_is_refused()
    {
        var (submitted, stored) = Salted(1, Original);
        await system.PublishAsync(submitted);
        await SendContentAsync(submitted.ContributionId, ContentSalt.Add(Encoding.UTF8.GetBytes("injected text that nobody signed")));
        await SendContentAsync(Hex.Encode(RandomNumberGenerator.GetBytes(32)), stored); // the right bytes for a contribution that does not exist
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await ChecksRecordedAsync(submitted.ContributionId));

        await SendContentAsync(submitted.ContributionId, stored);
        var scored = await system.ScoredAsync(submitted.ContributionId);

        Assert.Equal(80, scored.Score);
        var checks = (await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{submitted.ContributionId}")).GetProperty("checks");
        Assert.Equal(Original.Length, checks.GetProperty("textLength").GetInt32());
    }

    [Fact]
    public async Task In_one_message_the_signed_contents_are_taken_in_and_each_forged_stale_or_malformed_item_is_passed_over()
    {
        var (first, firstBytes) = Salted(1, "Gradient clipping bounds the norm of each update, so a single unusual batch cannot throw the optimiser far from where it was heading; the threshold is tuned per model.");
        var (second, secondBytes) = Salted(2, "Learning-rate warm-up raises the step size over the first thousand updates, because the early gradient estimates are noisy and the adaptive moments are still empty.");
        var (forged, _) = Salted(3, "Label smoothing moves a little probability from the true class to the others, which keeps the model from growing overconfident on noisy annotations.");
        await system.PublishAsync(first);
        await system.PublishAsync(second);
        await system.PublishAsync(forged);

        await SendAsync(new ScoringContents([
            new ScoringContent(forged.ContributionId, Convert.ToBase64String(ContentSalt.Add(Encoding.UTF8.GetBytes("injected text that nobody signed")))),
            new ScoringContent("0x1234", Convert.ToBase64String(firstBytes)), // malformed id
            new ScoringContent(second.ContributionId, "not base64!"),
            new ScoringContent(Hex.Encode(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(firstBytes)), // no such contribution
            new ScoringContent(second.ContributionId, Convert.ToBase64String(secondBytes)),
            new ScoringContent(first.ContributionId, Convert.ToBase64String(firstBytes)),
        ]));

        Assert.Equal(80, (await system.ScoredAsync(first.ContributionId)).Score);
        Assert.Equal(80, (await system.ScoredAsync(second.ContributionId)).Score);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await ChecksRecordedAsync(forged.ContributionId));
    }

    [Fact]
    public async Task A_message_of_more_items_than_allowed_is_refused_whole_and_a_single_content_as_earlier_versions_sent_is_taken_in()
    {
        var (submitted, stored) = Salted(4, "Dropout silences a random share of units at each step, so no unit can rely on one particular partner and the network learns redundant features instead.");
        await system.PublishAsync(submitted);
        var genuine = new ScoringContent(submitted.ContributionId, Convert.ToBase64String(stored));
        await SendAsync(new ScoringContents([.. Enumerable.Repeat(genuine, ScoringContents.MaxItems + 1)]));
        await SendAsync(new ScoringContents([]));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await ChecksRecordedAsync(submitted.ContributionId));

        await SendAsync(genuine);
        Assert.Equal(80, (await system.ScoredAsync(submitted.ContributionId)).Score);
        Assert.Equal(1, await ChecksRecordedAsync(submitted.ContributionId));
    }

    [Fact]
    public async Task Near_duplicates_are_found_on_the_private_text_although_salts_make_every_hash_differ_and_no_text_enters_the_history()
    {
        var (original, originalBytes) = Salted(2, Original + " (private)");
        await system.PublishAsync(original);
        await SendContentAsync(original.ContributionId, originalBytes);
        await system.ScoredAsync(original.ContributionId);

        var (copy, copyBytes) = Salted(3, Original + " (private)");
        Assert.NotEqual(original.ContentHash, copy.ContentHash);
        await system.PublishAsync(copy);
        await SendContentAsync(copy.ContributionId, copyBytes);

        var scored = await system.ScoredAsync(copy.ContributionId);
        Assert.Equal(0, scored.Score);
        Assert.Contains("near-duplicate", scored.Components!.Flags);
        Assert.Equal(0L, await system.ScalarAsync<long>("SELECT count(*) FROM history.mt_events WHERE data::text LIKE '%byte-pair encoding%'"));
    }

    [Fact]
    public async Task An_erased_text_leaves_the_near_duplicate_index_so_a_later_copy_reveals_nothing_about_it()
    {
        const string Text = "Erasure must leave no trace: the MinHash signature of a private text says which later texts resemble it, " +
            "so once its contributor erases it, the index forgets it too.";
        var (original, originalBytes) = Salted(4, Text);
        await system.PublishAsync(original);
        await SendContentAsync(original.ContributionId, originalBytes);
        await system.ScoredAsync(original.ContributionId);
        Assert.Contains(original.ContributionId, await system.IndexedAsync());
        var sequence = await SequenceOfAsync(original.ContributionId);
        Assert.NotEqual(0, await BandRowsAsync(sequence!.Value));

        // The contributions service records the erasure in its own stream; quality-scoring follows the history, not the bus.
        await system.AppendAsync("contributions/" + original.ContributionId, new ContributionErased(original.ContributionId, original.Contributor,
            "2", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), "0x" + new string('0', 130), DateTimeOffset.UtcNow));
        await Eventually.MatchesAsync(async () => (await system.IndexedAsync()).Contains(original.ContributionId), indexed => !indexed,
            "the erased text's MinHash rows to be removed");
        Assert.Equal(0, await BandRowsAsync(sequence.Value));

        // A copy of the erased text is scored as an original: nothing links it to what was erased.
        var (copy, copyBytes) = Salted(5, Text);
        await system.PublishAsync(copy);
        await SendContentAsync(copy.ContributionId, copyBytes);
        var scored = await system.ScoredAsync(copy.ContributionId);
        Assert.DoesNotContain("near-duplicate", scored.Components!.Flags);
        Assert.Contains(copy.ContributionId, await system.IndexedAsync());

        // A contribution erased before quality-scoring takes it in is never indexed at all.
        var (late, lateBytes) = Salted(6, "A text erased before scoring saw it: " + Text);
        await system.RecordOnlyAsync(late);
        await system.AppendAsync("contributions/" + late.ContributionId, new ContributionErased(late.ContributionId, late.Contributor,
            "2", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), "0x" + new string('0', 130), DateTimeOffset.UtcNow));
        await Eventually.MatchesAsync(() => ErasedKnownAsync(late.ContributionId), known => known, "the early erasure to be followed");
        await system.PublishAsync(late);
        await SendContentAsync(late.ContributionId, lateBytes);
        await system.ScoredAsync(late.ContributionId);
        Assert.DoesNotContain(late.ContributionId, await system.IndexedAsync());
        Assert.Null(await SequenceOfAsync(late.ContributionId)); // and band rows are only ever written with a signature's
    }

    [Fact]
    public async Task Content_too_large_to_hold_a_checked_text_is_taken_in_on_its_signed_hash_without_a_handoff()
    {
        // A file uploaded in parts: 5 MiB is never put on the bus, so the contribution must not wait for it.
        var (submitted, _) = Salted(7, Original);
        var large = submitted with { ContentSize = 5L * 1024 * 1024 };
        Assert.True(large.ContentSize > ScoringContent.MaxHandedOverBytes);
        await system.PublishAsync(large);

        await system.ScoredAsync(large.ContributionId);
        var checks = (await system.Api.GetFromJsonAsync<JsonElement>($"/api/scoring/{large.ContributionId}")).GetProperty("checks");
        Assert.True(!checks.TryGetProperty("textLength", out var textLength) || textLength.ValueKind == JsonValueKind.Null, $"no text was checked: {checks}");
    }

    /// <summary>The sequence number the index gave the text's signature (its band rows name it), or null when not indexed.</summary>
    private Task<long?> SequenceOfAsync(string contributionId) =>
        system.ScalarAsync<long?>($"SELECT seq FROM {NearDuplicateIndex.Signatures} WHERE contribution_id = @id", ("id", contributionId));

    private Task<long> BandRowsAsync(long sequence) =>
        system.ScalarAsync<long>($"SELECT count(*) FROM {NearDuplicateIndex.Bands} WHERE seq = @seq", ("seq", sequence));

    private Task<bool> ErasedKnownAsync(string contributionId) =>
        system.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM scoring.mt_doc_erasedcontent WHERE id = @id)", ("id", contributionId));
}
