using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Testing;
using MassTransit;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Content reaches quality-scoring only privately (<see cref="ScoringContent"/>), and is used only when it is the content
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

    private async Task SendContentAsync(string contributionId, byte[] content)
    {
        var endpoint = await _bus.GetSendEndpoint(new Uri("queue:" + ScoringContent.QueueName));
        await endpoint.Send(new ScoringContent(contributionId, Convert.ToBase64String(content)));
    }

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
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM history.mt_events WHERE data::text LIKE '%byte-pair encoding%'", connection);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }
}
