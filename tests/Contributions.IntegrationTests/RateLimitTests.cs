using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>The service with tight limits: 3 submissions per contributor and 6 per client address per minute.</summary>
public sealed class ThrottledContributionsService : ContributionsService
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("RateLimits:PerContributor", "3"),
        new("RateLimits:PerClientAddress", "6"),
        new("RateLimits:Window", "00:10:00"),
    ];
}

public sealed class RateLimitTests(ThrottledContributionsService service) : IClassFixture<ThrottledContributionsService>
{
    [Fact]
    public async Task Submissions_over_the_contributor_and_client_limits_get_429_problems_naming_the_limit()
    {
        var statuses = new List<(HttpStatusCode Status, string? Field)>();
        // 4 for contributor #2 (the 4th is over its limit), then 3 for #3 (the 7th request is over the client's limit).
        foreach (var key in new[] { 2, 2, 2, 2, 3, 3, 3 })
        {
            using var response = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: key).Body);
            var field = response.StatusCode == HttpStatusCode.TooManyRequests
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString()
                : null;
            statuses.Add((response.StatusCode, field));
        }
        Assert.Equal(
            [(HttpStatusCode.Accepted, null), (HttpStatusCode.Accepted, null), (HttpStatusCode.Accepted, null),
             (HttpStatusCode.TooManyRequests, "contributor"),
             (HttpStatusCode.Accepted, null), (HttpStatusCode.Accepted, null),
             (HttpStatusCode.TooManyRequests, "clientAddress")],
            statuses);
    }
}

/// <summary>The service with 2 submissions per signer per window and no practical client-address limit.</summary>
public sealed class SignerThrottledContributionsService : ContributionsService
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("RateLimits:PerContributor", "2"),
        new("RateLimits:Window", "01:00:00"),
    ];
}

/// <summary>
/// The per-contributor limit is the signer's, counted once the signature is checked and shared by every replica:
/// before, it ran on the claimed address before the signature check (anyone could use up a victim's allowance with
/// unsigned junk) and lived in each replica's memory (N replicas, N times the limit).
/// </summary>
public sealed class SignerQuotaTests(SignerThrottledContributionsService service) : IClassFixture<SignerThrottledContributionsService>
{
    [Fact]
    public async Task Requests_claiming_someones_address_without_their_signature_do_not_use_up_their_allowance()
    {
        const int Victim = 4, Attacker = 5;
        for (var i = 0; i < 5; i++)
        {
            var (_, forged) = Signed.Contribution(keyIndex: Attacker, text: $"claiming to be someone else {i}");
            forged["contributor"] = AnvilNode.DevAddresses[Victim];
            using var refused = await service.Client.PostAsJsonAsync("/api/contributions", forged);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The victim's own allowance is whole: two accepted, the third refused, and nothing of the third recorded.
        for (var i = 0; i < 2; i++)
        {
            using var accepted = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Victim, text: $"mine {i}").Body);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        var before = await service.CountEventsOfTypeAsync("contribution_submitted");
        var (id, body) = Signed.Contribution(keyIndex: Victim, text: "one too many");
        using var over = await service.Client.PostAsJsonAsync("/api/contributions", body);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Equal("contributor", (await over.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(before, await service.CountEventsOfTypeAsync("contribution_submitted"));
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task Two_replicas_draw_on_one_allowance()
    {
        const int Signer = 6;
        await using var second = new ContributionsHost(service.Settings);
        var replicas = new[] { service.Client, second.CreateClient() };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await replicas[i % 2].PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Signer, text: $"replica {i}").Body);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}

/// <summary>
/// A signed contribution is public once stored (the history and the log publish it with its signature), so anyone can send
/// it again. Before, each replay took one of its signer's allowance: a few replays locked a contributor out for the
/// window. Now the same signed contribution again is answered as before and gives its allowance back.
/// </summary>
public sealed class ReplayedSubmissionQuotaTests(SignerThrottledContributionsService service) : IClassFixture<SignerThrottledContributionsService>
{
    [Fact]
    public async Task Replaying_a_published_contribution_alone_or_in_batches_uses_none_of_its_signers_allowance()
    {
        const int Victim = 8;
        var (id, published) = Signed.Contribution(keyIndex: Victim, text: "published, then replayed by someone else");
        using (var first = await service.Client.PostAsJsonAsync("/api/contributions", published))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // The attack: more replays than the whole allowance (2), one at a time and three to a batch.
        for (var i = 0; i < 3; i++)
        {
            using var replayed = await service.Client.PostAsJsonAsync("/api/contributions", published);
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
            using var batch = await service.Client.PostAsJsonAsync("/api/contributions/batch", new { contributions = new[] { published, published, published } });
            var items = (await batch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(item => item.GetProperty("status").GetInt32());
            Assert.Equal([200, 200, 200], items);
        }
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + id));

        // The victim still has the one left of its two: the next is accepted, the one after refused.
        using (var second = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Victim, text: "my second").Body))
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        using var third = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Victim, text: "my third").Body);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }
}

/// <summary>
/// 2 submissions per signer per window, and each bus endpoint handling one message at a time: commands published one
/// after another are handled in that order, so a test can say what each found.
/// </summary>
public sealed class SequentialSignerThrottledContributionsService : ContributionsService
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("RateLimits:PerContributor", "2"),
        new("RateLimits:Window", "01:00:00"),
        new("Bus:ConcurrentMessageLimit", "1"),
    ];
}

/// <summary>The replay of <see cref="ReplayedSubmissionQuotaTests"/>, through a partner's commands on the bus.</summary>
public sealed class ReplayedPartnerSubmissionQuotaTests(SequentialSignerThrottledContributionsService service)
    : IClassFixture<SequentialSignerThrottledContributionsService>
{
    [Fact]
    public async Task Replaying_a_published_contribution_on_the_bus_uses_none_of_its_signers_allowance()
    {
        const int Victim = 9;
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync("ContributionRejected");
        var (id, published) = Signed.Contribution(keyIndex: Victim, text: "published, then replayed through a partner");
        using (var first = await service.Client.PostAsJsonAsync("/api/contributions", published))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // Three replays, then the victim's own second and third contributions, handled in this order.
        var (secondId, second) = Signed.Contribution(keyIndex: Victim, text: "my second, through a partner");
        var (thirdId, third) = Signed.Contribution(keyIndex: Victim, text: "my third, through a partner");
        var commands = new[] { published, published, published, second, third };
        for (var i = 0; i < commands.Length; i++)
        {
            var command = commands[i].DeepClone().AsObject();
            command["partnerId"] = "partner-replaying";
            command["correlationId"] = $"corr-replay-{i}";
            await tap.PublishRawAsync("contributions-submit", command.ToJsonString(), messageId: Guid.NewGuid().ToString());
        }

        // Only the third is over the allowance: the replays were answered without a rejection and took nothing.
        await Eventually.MatchesAsync(() => service.CountEventsAsync("contributions/" + secondId), n => n == 1, "the victim's second stored");
        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = Assert.Single(messages).Body.GetProperty("message");
        Assert.Equal(("corr-replay-4", 429), (rejected.GetProperty("correlationId").GetString(), rejected.GetProperty("status").GetInt32()));
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + thirdId));
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + id));
    }
}

/// <summary>
/// A partner's commands on the bus draw on the same per-signer allowance as HTTP: before, the single bus command took
/// none, so a contributor over its allowance could go on through any partner.
/// </summary>
public sealed class PartnerSignerQuotaTests(SignerThrottledContributionsService service) : IClassFixture<SignerThrottledContributionsService>
{
    [Fact]
    public async Task A_signer_over_its_allowance_is_refused_on_the_bus_with_429_and_nothing_recorded()
    {
        const int Signer = 7;
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync("ContributionRejected");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (id, body) = Signed.Contribution(keyIndex: Signer, text: $"through a partner {i}");
            body["partnerId"] = "partner-x";
            body["correlationId"] = $"corr-quota-{i}";
            ids.Add(id);
            await tap.PublishRawAsync("contributions-submit", body.ToJsonString(), messageId: Guid.NewGuid().ToString());
            if (i < 2)
                await Eventually.MatchesAsync(() => service.CountEventsAsync("contributions/" + id), n => n == 1, $"partner contribution {i} stored");
        }

        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = messages[0].Body.GetProperty("message");
        Assert.Equal(("corr-quota-2", "contributor", 429),
            (rejected.GetProperty("correlationId").GetString(), rejected.GetProperty("field").GetString(), rejected.GetProperty("status").GetInt32()));
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + ids[2]));
    }
}

/// <summary>A submission the store refuses to record uses none of its signer's allowance (its own fixture: the test makes the store fail).</summary>
public sealed class RefusedByTheStoreQuotaTests(SignerThrottledContributionsService service) : IClassFixture<SignerThrottledContributionsService>
{
    [Fact]
    public async Task A_submission_alone_or_in_a_batch_that_the_store_failed_to_record_gives_back_its_allowance()
    {
        const int Signer = 3, Other = 2;
        using (var earlier = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Other, text: "recorded before").Body))
            Assert.Equal(HttpStatusCode.Accepted, earlier.StatusCode);
        // The store refuses every contribution's transaction while this trigger stands (as a full disk or a failover would).
        await ExecuteAsync("""
            CREATE FUNCTION contributions.refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN RAISE EXCEPTION 'the store is refusing writes for this test'; END $$;
            CREATE TRIGGER refuse_for_test BEFORE INSERT ON contributions.mt_doc_nonceuse
              FOR EACH ROW EXECUTE FUNCTION contributions.refuse_for_test();
            """);
        try
        {
            // Three times the allowance (2), alone and in batches: each refused by the store, nothing recorded.
            for (var i = 0; i < 3; i++)
            {
                using var alone = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Signer, text: $"refused alone {i}").Body);
                Assert.True((int)alone.StatusCode >= 500, $"alone: {alone.StatusCode}");
                using var batch = await service.Client.PostAsJsonAsync("/api/contributions/batch", new
                {
                    contributions = new[] { Signed.Contribution(keyIndex: Signer, text: $"refused in a batch {i}").Body, Signed.Contribution(keyIndex: Signer, text: $"refused too {i}").Body },
                });
                Assert.Equal(HttpStatusCode.ServiceUnavailable, batch.StatusCode);
            }
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER refuse_for_test ON contributions.mt_doc_nonceuse; DROP FUNCTION contributions.refuse_for_test();");
        }
        Assert.Equal(1, await service.CountEventsOfTypeAsync("contribution_submitted"));

        // The signer's allowance is whole: two accepted, the third refused.
        for (var i = 0; i < 2; i++)
        {
            using var accepted = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Signer, text: $"recorded {i}").Body);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        using var over = await service.Client.PostAsJsonAsync("/api/contributions", Signed.Contribution(keyIndex: Signer, text: "one too many").Body);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
