using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Contributions.IntegrationTests;

/// <summary>The service with 2 submissions per signer per hour, so a batch can run into a signer's quota.</summary>
public sealed class BatchThrottledContributionsService : ContributionsService
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("RateLimits:PerContributor", "2"),
        new("RateLimits:Window", "01:00:00"),
    ];
}

/// <summary>
/// One batch holding every kind of refusal once: each refused item gets the single endpoint's own problem (status,
/// title, field), the quota counts every item, and only the items answered 202 are stored.
/// </summary>
public sealed class BatchRefusalTests(BatchThrottledContributionsService service) : IClassFixture<BatchThrottledContributionsService>
{
    private Task<HttpResponseMessage> PostSingleAsync(System.Text.Json.Nodes.JsonNode body) =>
        service.Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_mixed_batch_answers_each_refusal_as_the_single_endpoint_does_and_stores_exactly_the_accepted()
    {
        var reused = Signed.NextNonce();
        var good = Signed.Contribution(keyIndex: 1, nonce: reused, text: "good");
        var sameNonce = Signed.Contribution(keyIndex: 1, nonce: reused, text: "same nonce, later in the batch");
        var storedBefore = Signed.Contribution(keyIndex: 7, text: "stored before the batch");
        var earlierNonce = Signed.NextNonce();
        var holder = Signed.Contribution(keyIndex: 2, nonce: earlierNonce, text: "holds the nonce");
        var nonceTaken = Signed.Contribution(keyIndex: 2, nonce: earlierNonce, text: "nonce taken by a stored one");
        var quota = Enumerable.Range(0, 3).Select(i => Signed.Contribution(keyIndex: 3, text: $"quota {i}")).ToList();
        var malformed = Signed.Contribution(keyIndex: 4, text: "malformed");
        malformed.Body["contentHash"] = "0x1234";
        var forged = Signed.Contribution(keyIndex: 5, text: "forged");
        forged.Body["contributor"] = CommunityAI.Testing.AnvilNode.DevAddresses[6];
        var version1 = Signed.Version1Contribution(keyIndex: 6, text: "version 1");
        foreach (var before in new[] { storedBefore, holder })
        {
            using var stored = await PostSingleAsync(before.Body);
            Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        }

        var batch = new[] { good, sameNonce, storedBefore, nonceTaken, quota[0], quota[1], quota[2], malformed, forged, version1 };
        using var response = await service.Client.PostAsync(BatchRequests.Body(batch.Select(b => (System.Text.Json.Nodes.JsonNode?)b.Body)));

        var items = await BatchRequests.ItemsAsync(response);
        Assert.Equal([202, 409, 200, 409, 202, 202, 429, 400, 401, 401], items.Select(i => i.Status));
        string? Field(int i) => items[i].Item.GetProperty("problem") is var p && p.TryGetProperty("field", out var f) ? f.GetString() : null;
        Assert.Equal(("nonce", "nonce", "contributor"), (Field(1), Field(3), Field(6)));
        Assert.Equal("Too many submissions", items[6].Item.GetProperty("problem").GetProperty("title").GetString());
        Assert.Equal(storedBefore.Id, items[2].Id);

        // The malformed and unsigned items get what the single endpoint gives the same body, title, detail, field and all.
        foreach (var i in new[] { 7, 8, 9 })
        {
            using var single = await PostSingleAsync(batch[i].Body);
            var expected = await single.Content.ReadFromJsonAsync<JsonElement>();
            var problem = items[i].Item.GetProperty("problem");
            Assert.Equal((int)single.StatusCode, items[i].Status);
            foreach (var member in new[] { "title", "detail", "field", "failure", "type" })
                Assert.Equal(expected.TryGetProperty(member, out var e) ? e.ToString() : null, problem.TryGetProperty(member, out var a) ? a.ToString() : null);
            Assert.Equal(expected.TryGetProperty("errors", out var errors) ? errors.ToString() : null,
                problem.TryGetProperty("errors", out var got) ? got.ToString() : null);
        }
        Assert.Equal("Version1Domain", items[9].Item.GetProperty("problem").GetProperty("failure").GetString());

        // Exactly the items answered 202 are in the history, from this batch.
        var ids = batch.Select(b => b.Id).Where(id => id != storedBefore.Id).ToList();
        Assert.Equal(items.Where(i => i.Status == 202).Select(i => i.Id!).ToHashSet(), (await service.StoredAsync(ids)).Stored);
    }
}
