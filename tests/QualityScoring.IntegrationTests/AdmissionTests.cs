using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Nethereum.Signer;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Validators enter and leave by the community's decision: only an address a passed proposal (or the genesis set) admitted
/// may register, forged or misplaced activations admit nobody, and a removed validator is never drawn again while its open
/// assignment is handed on. Each validator here has a key of its own, outside the genesis set.
/// </summary>
public sealed class AdmissionTests(ScoringSystem system) : IClassFixture<ScoringSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static (string Key, string Address) NewValidator()
    {
        var key = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        return (key, Address.Parse(new EthECKey(key).GetPublicAddress()));
    }

    [Fact]
    public async Task An_address_nobody_admitted_cannot_register_and_nothing_is_recorded()
    {
        var (key, address) = NewValidator();

        using var response = await system.RegisterKeyAsync(key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Not admitted", problem.GetProperty("title").GetString());
        Assert.Equal("validator", problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await system.Api.GetAsync($"/api/validators/{address}")).StatusCode);
        Assert.Equal(0, await EventsAboutAsync(address));
    }

    [Fact]
    public async Task Only_an_activation_in_governances_streams_admits_and_it_is_recorded_once_across_restarts()
    {
        var (key, address) = NewValidator();

        // Forged: a bus notice the history does not hold, and a stored activation outside governance's streams.
        var forged = new PolicyActivated(Hex.Encode(RandomNumberGenerator.GetBytes(32)), "validator-admission",
            $"{{\"validator\":\"{address}\"}}", "0x" + new string('d', 64), DateTimeOffset.UtcNow);
        await ForgedMessage.PublishAsync(system.Broker, nameof(PolicyActivated), Guid.NewGuid(), forged);
        await system.ActivateAsync("validator-admission", address, streamPrefix: "contributions/not-governance/");
        // A real activation of someone else, recorded after both: once it is applied, the forgeries had their chance.
        var (_, witness) = NewValidator();
        await system.AdmitAsync([witness]);
        using (var refused = await system.RegisterKeyAsync(key))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, await EventsAboutAsync(address));

        var proposalId = await system.ActivateAsync("validator-admission", address);
        var registered = await Eventually.MatchesAsync(async () => (await system.RegisterKeyAsync(key)).StatusCode,
            s => s == HttpStatusCode.Created, $"{address} admitted and registered", Patience);
        Assert.Equal(HttpStatusCode.Created, registered);

        // A second replica (a restart) reads governance's history again from its checkpoint: the admission stays single.
        await using (var replica = system.StartReplica())
        {
            replica.CreateClient();
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        Assert.Equal(1, await EventsAboutAsync(address, "validator_admitted"));
        Assert.Equal(proposalId, await system.ScalarAsync<string>(
            "SELECT data->>'proposalId' FROM history.mt_events WHERE type = 'validator_admitted' AND data->>'validator' = @v", ("v", address)));
        // Admitted again by a second proposal: it already is, so nothing more is recorded.
        await system.ActivateAsync("validator-admission", address);
        await system.AdmitAsync([NewValidator().Address]);
        Assert.Equal(1, await EventsAboutAsync(address, "validator_admitted"));
    }

    [Fact]
    public async Task A_removed_validator_is_never_drawn_again_cannot_commit_and_its_open_assignment_is_handed_on()
    {
        var validators = Enumerable.Range(0, 4).Select(_ => NewValidator()).ToList();
        await system.AdmitAsync(validators.Select(v => v.Address));
        foreach (var (key, _) in validators)
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterKeyAsync(key)).StatusCode);

        var first = ScoringSystem.Submission(1, "Tide gauge readings for the removal test " + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
        await system.PublishAsync(first);
        var reviewers = await Eventually.MatchesAsync(() => ReviewersAsync(first.ContributionId), r => r.Count == 3, "reviewers assigned", Patience);
        var own = validators.Select(v => v.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var removed = reviewers.First(own.Contains);
        var removedKey = validators.Single(v => v.Address == removed).Key;

        var proposalId = await system.ActivateAsync("validator-removal", removed);
        await Eventually.MatchesAsync(() => EventsAboutAsync(removed, "validator_removed"), n => n == 1, $"{removed} removed", Patience);
        Assert.Equal(proposalId, await system.ScalarAsync<string>(
            "SELECT data->>'proposalId' FROM history.mt_events WHERE type = 'validator_removed' AND data->>'validator' = @v", ("v", removed)));

        // Handed on: a replacement in its place, drawn from the case's seed, and the removed validator's desk is empty.
        var handedOn = await Eventually.MatchesAsync(() => system.EventsAsync("reviewer_reassigned", first.ContributionId), r => r.Count == 1, "the assignment handed on", Patience);
        Assert.Equal(removed, handedOn[0].GetProperty("replaced").GetString());
        Assert.Equal("removed", handedOn[0].GetProperty("reason").GetString());
        Assert.DoesNotContain(handedOn[0].GetProperty("replacement").GetProperty("validator").GetString(), reviewers, StringComparer.OrdinalIgnoreCase);
        Assert.Empty((await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{removed}/assignments")).EnumerateArray());

        // Its commitment is refused, and nothing is recorded.
        var commits = await system.CountEventsAsync("review_committed", first.ContributionId);
        using (var refused = await CommitAsync(removedKey, removed, first.ContributionId))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("validator", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        Assert.Equal(commits, await system.CountEventsAsync("review_committed", first.ContributionId));

        // Never drawn again, not even as a candidate, and it cannot register anew.
        for (var i = 0; i < 3; i++)
        {
            var next = ScoringSystem.Submission(1, $"Harbour survey {i} after the removal " + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
            await system.PublishAsync(next);
            var candidates = await Eventually.MatchesAsync(() => CandidatesAsync(next.ContributionId), c => c.Count > 0, "assigned", Patience);
            Assert.DoesNotContain(removed, candidates, StringComparer.OrdinalIgnoreCase);
        }
        using (var again = await system.RegisterKeyAsync(removedKey, nonce: 2))
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
    }

    private Task<HttpResponseMessage> CommitAsync(string key, string address, string contributionId)
    {
        var payload = new ReviewCommitPayload(address, contributionId, ReviewCommitment.Compute(70, "accept", Hex.Encode(RandomNumberGenerator.GetBytes(32))),
            1, (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        return system.Api.PostAsJsonAsync("/api/reviews/commitments", new
        {
            payload.Validator, payload.ContributionId, payload.Commitment, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, TestChain.Domain, key),
        });
    }

    private async Task<List<string>> ReviewersAsync(string contributionId) =>
        (await AssignedAsync(contributionId))?.GetProperty("reviewers").EnumerateArray().Select(r => r.GetProperty("validator").GetString()!).ToList() ?? [];

    private async Task<List<string>> CandidatesAsync(string contributionId) =>
        (await AssignedAsync(contributionId))?.GetProperty("candidates").EnumerateArray().Select(r => r.GetProperty("validator").GetString()!).ToList() ?? [];

    private async Task<JsonElement?> AssignedAsync(string contributionId) =>
        await system.ScalarAsync<string>("SELECT data::text FROM history.mt_events WHERE type = 'reviewers_assigned' AND data->>'contributionId' = @v", ("v", contributionId))
            is { } json ? JsonDocument.Parse(json).RootElement : null;

    /// <summary>History events about an address (any type, or one), in any stream.</summary>
    private async Task<int> EventsAboutAsync(string address, string? type = null) =>
        (int)await system.ScalarAsync<long>(
            "SELECT count(*) FROM history.mt_events WHERE lower(data->>'validator') = lower(@v) AND (@t::text IS NULL OR type = @t)", ("v", address), ("t", type));
}
