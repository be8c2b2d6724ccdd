using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommunityAI.Contracts;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>The service with a batch body bound of 2 KiB per item (2 MB for a full batch), so the oversize test sends megabytes, not gigabytes.</summary>
public sealed class BatchContributionsService : ContributionsService
{
    public const int BytesPerItem = 2048;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => [new("Intake:BatchBytesPerItem", $"{BytesPerItem}")];
}

/// <summary>
/// POST /api/contributions/batch and the partners' SubmitContributions through the real store and broker: every item
/// checked and answered on its own, the accepted ones stored in one transaction, hostile batches refused with nothing
/// stored, and the ids stored always exactly the ids answered 202.
/// </summary>
public sealed class BatchIntakeTests(BatchContributionsService service) : IClassFixture<BatchContributionsService>
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task A_thousand_signed_contributions_are_answered_in_order_and_stored_in_one_transaction()
    {
        var batch = BatchRequests.Contributions(1000, "a full batch");

        using var response = await Client.PostAsync(BatchRequests.Body(batch.Select(b => b.Body)));

        var items = await BatchRequests.ItemsAsync(response);
        Assert.All(items, i => Assert.Equal(202, i.Status));
        Assert.Equal(batch.Select(b => b.Id), items.Select(i => i.Id));
        var (stored, transactions) = await service.StoredAsync(batch.Select(b => b.Id));
        Assert.Equal(1000, stored.Count);
        Assert.Equal(1, transactions);
        // Read at once, as a single submission is: the view's first state is written with the event.
        var view = await Client.GetFromJsonAsync<JsonElement>($"/api/contributions/{batch[999].Id}");
        Assert.Equal("submitted", view.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("{\"contributions\": []}")]
    [InlineData("{}")]
    [InlineData("{\"contributions\": null}")]
    public async Task An_empty_batch_is_a_400_problem_naming_contributions(string json)
    {
        using var response = await Client.PostAsync(BatchRequests.Path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("contributions", out _), problem.ToString());
    }

    [Fact]
    public async Task A_batch_of_1001_is_refused_whole_with_413_and_stores_nothing()
    {
        var batch = BatchRequests.Contributions(1001, "one too many");
        var before = await service.CountEventsOfTypeAsync("contribution_submitted");

        using var response = await Client.PostAsync(BatchRequests.Body(batch.Select(b => b.Body)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("contributions", problem.GetProperty("field").GetString());
        Assert.Equal(before, await service.CountEventsOfTypeAsync("contribution_submitted"));
        Assert.Empty((await service.StoredAsync(batch.Select(b => b.Id))).Stored);
    }

    [Theory]
    [InlineData("{\"contributions\": [")]
    [InlineData("[{\"contributor\": 1}]")]
    [InlineData("{\"contributions\": [{\"nonce\": \"not a number\"}]}")]
    [InlineData("not json at all")]
    public async Task Malformed_json_is_a_400_problem_and_stores_nothing(string json)
    {
        var before = await service.CountEventsOfTypeAsync("contribution_submitted");
        using var response = await Client.PostAsync(BatchRequests.Path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await service.CountEventsOfTypeAsync("contribution_submitted"));
    }

    [Fact]
    public async Task A_body_over_the_batch_bound_is_refused_with_413_before_it_is_read()
    {
        var batch = BatchRequests.Contributions(3, "oversized");
        var body = BatchRequests.Body(batch.Select(b => b.Body));
        body["padding"] = new string(' ', BatchContributionsService.BytesPerItem * 1000);

        using var response = await Client.PostAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Empty((await service.StoredAsync(batch.Select(b => b.Id))).Stored);
    }

    [Fact]
    public async Task One_bad_signature_among_good_ones_is_the_only_item_refused_and_the_others_are_stored()
    {
        var batch = BatchRequests.Contributions(10, "one forged");
        batch[4].Body["kind"] = "feedback"; // tampered after signing

        using var response = await Client.PostAsync(BatchRequests.Body(batch.Select(b => b.Body)));

        var items = await BatchRequests.ItemsAsync(response);
        Assert.Equal([202, 202, 202, 202, 401, 202, 202, 202, 202, 202], items.Select(i => i.Status));
        var problem = items[4].Item.GetProperty("problem");
        Assert.Equal("signature", problem.GetProperty("field").GetString());
        Assert.Equal("SignerMismatch", problem.GetProperty("failure").GetString());
        var stored = (await service.StoredAsync(batch.Select(b => b.Id))).Stored;
        Assert.Equal(items.Where(i => i.Status == 202).Select(i => i.Id!).ToHashSet(), stored);
        Assert.DoesNotContain(batch[4].Id, stored);
    }

    [Fact]
    public async Task A_nonce_repeated_within_a_batch_is_refused_for_the_later_item_and_the_same_contribution_twice_is_a_replay()
    {
        var nonce = Signed.NextNonce();
        var first = Signed.Contribution(keyIndex: 2, nonce: nonce, text: "first with this nonce");
        var other = Signed.Contribution(keyIndex: 2, nonce: nonce, text: "another with the same nonce");
        var good = Signed.Contribution(keyIndex: 3, text: "unrelated");

        using var response = await Client.PostAsync(BatchRequests.Body([first.Body, other.Body, first.Body, good.Body]));

        var items = await BatchRequests.ItemsAsync(response);
        Assert.Equal([202, 409, 200, 202], items.Select(i => i.Status));
        Assert.Equal("nonce", items[1].Item.GetProperty("problem").GetProperty("field").GetString());
        Assert.Equal("Nonce already used", items[1].Item.GetProperty("problem").GetProperty("title").GetString());
        Assert.Equal(first.Id, items[2].Id);
        Assert.Equal(new HashSet<string> { first.Id, good.Id }, (await service.StoredAsync([first.Id, other.Id, good.Id])).Stored);
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + first.Id));
    }

    [Fact]
    public async Task The_same_batch_sent_twice_stores_nothing_the_second_time_and_answers_each_as_a_replay()
    {
        var batch = BatchRequests.Contributions(50, "sent twice");
        batch[7].Body["signature"] = "0x" + new string('1', 130);
        var body = BatchRequests.Body(batch.Select(b => b.Body));
        using var first = await Client.PostAsync(body);
        var firstItems = await BatchRequests.ItemsAsync(first);
        var before = await service.CountEventsOfTypeAsync("contribution_submitted");

        using var again = await Client.PostAsync(body);

        var items = await BatchRequests.ItemsAsync(again);
        Assert.Equal(before, await service.CountEventsOfTypeAsync("contribution_submitted"));
        for (var i = 0; i < batch.Count; i++)
        {
            // A replay of a stored item is the single endpoint's replay: 200 with the same id; a refused item is refused again.
            Assert.Equal(firstItems[i].Status == 202 ? 200 : firstItems[i].Status, items[i].Status);
            Assert.Equal(firstItems[i].Id, items[i].Id);
        }
        Assert.Equal(49, items.Count(i => i.Status == 200));
        // And one by one, the single endpoint agrees.
        using var single = await Client.PostAsync("/api/contributions", new StringContent(batch[0].Body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
    }

    [Fact]
    public async Task The_same_batch_sent_four_times_at_once_stores_each_contribution_once()
    {
        var batch = BatchRequests.Contributions(200, "raced");
        var body = BatchRequests.Body(batch.Select(b => b.Body));

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Client.PostAsync(body)));

        var answers = new List<List<(int Status, string? Id, JsonElement Item)>>();
        foreach (var response in responses)
            using (response)
                answers.Add(await BatchRequests.ItemsAsync(response));
        for (var i = 0; i < batch.Count; i++)
        {
            // Each item stored by exactly one of the four requests, and a replay for the other three.
            Assert.Single(answers, a => a[i].Status == 202);
            Assert.All(answers, a => Assert.Contains(a[i].Status, new[] { 200, 202 }));
            Assert.All(answers, a => Assert.Equal(batch[i].Id, a[i].Id));
        }
        Assert.Equal(batch.Count, (await service.StoredAsync(batch.Select(b => b.Id))).Stored.Count);
        Assert.Equal(batch.Count, await service.CountEventsOfTypeAsync("contribution_submitted") - await OthersAsync(batch.Select(b => b.Id)));
    }

    /// <summary>ContributionSubmitted events of other tests in this class: everything but these ids.</summary>
    private async Task<long> OthersAsync(IEnumerable<string> ids)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM history.mt_events WHERE type = 'contribution_submitted' AND NOT (stream_id = ANY(@streams))", connection);
        command.Parameters.AddWithValue("streams", ids.Select(id => "contributions/" + id).ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task When_the_transaction_fails_nothing_of_the_batch_is_stored_and_the_answer_says_so()
    {
        var batch = BatchRequests.Contributions(20, "doomed");
        // A content row already there for item 13 (as a restore gone wrong might leave): its insert fails the transaction.
        await using (var connection = new NpgsqlConnection(service.History))
        {
            await connection.OpenAsync();
            await using var plant = new NpgsqlCommand("""
                INSERT INTO contributions.content (contribution_id, contributor, licence, master_key_id, wrapped_key, ciphertext, stored_at)
                VALUES (@id, 'x', 'x', 'x', '\x00', '\x00', now())
                """, connection);
            plant.Parameters.AddWithValue("id", batch[13].Id);
            await plant.ExecuteNonQueryAsync();
        }

        using var response = await Client.PostAsync(BatchRequests.Body(batch.Select(b => b.Body)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("batch", problem.GetProperty("field").GetString());
        Assert.Empty((await service.StoredAsync(batch.Select(b => b.Id))).Stored);
        await using (var connection = new NpgsqlConnection(service.History))
        {
            await connection.OpenAsync();
            await using var nonces = new NpgsqlCommand("SELECT count(*) FROM contributions.mt_doc_nonceuse WHERE data->>'contributionId' = ANY(@ids)", connection);
            nonces.Parameters.AddWithValue("ids", batch.Select(b => b.Id).ToArray());
            Assert.Equal(0L, (long)(await nonces.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task Accepted_items_go_downstream_as_single_ones_do_public_notice_and_content_to_quality_scoring()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var notices = await tap.SubscribeAsync(nameof(ContributionSubmitted));
        var batch = BatchRequests.Contributions(5, "downstream");
        using var response = await Client.PostAsync(BatchRequests.Body(batch.Select(b => b.Body)));
        Assert.All(await BatchRequests.ItemsAsync(response), i => Assert.Equal(202, i.Status));

        var ids = batch.Select(b => b.Id).ToHashSet();
        var announced = new HashSet<string>();
        await Eventually.MatchesAsync(async () =>
        {
            foreach (var (_, body) in await tap.DrainAsync(notices))
                announced.Add(body.GetProperty("message").GetProperty("contributionId").GetString()!);
            return announced;
        }, a => ids.IsSubsetOf(a), "every accepted item's ContributionSubmitted on the bus");
        var handedOver = new Dictionary<string, string>();
        await Eventually.MatchesAsync(async () =>
        {
            foreach (var (id, content) in await HandedOverContents.TakeAsync(tap))
                handedOver[id] = content;
            return handedOver;
        }, h => ids.IsSubsetOf(h.Keys), "every accepted item's content handed to quality-scoring");
        foreach (var (id, body) in batch)
            Assert.Equal(body["content"]!.GetValue<string>(), handedOver[id]);
    }

    [Fact]
    public async Task A_partner_batch_on_the_bus_stores_the_good_items_and_rejects_the_bad_one_with_its_correlation_id_once()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync(nameof(ContributionRejected));
        var batch = BatchRequests.Contributions(6, "partner batch");
        batch[2].Body["contentUri"] = "ipfs://elsewhere"; // tampered after signing
        var items = new JsonArray([.. batch.Select((b, i) =>
        {
            var item = b.Body.DeepClone().AsObject();
            item["correlationId"] = $"item-{i}";
            return (JsonNode)item;
        })]);
        var command = new JsonObject { ["partnerId"] = "partner-x", ["correlationId"] = "batch-1", ["contributions"] = items }.ToJsonString();
        var messageId = Guid.NewGuid().ToString();

        await tap.PublishRawAsync("contributions-submit-batch", command, messageId);

        var good = batch.Where((_, i) => i != 2).Select(b => b.Id).ToHashSet();
        await Eventually.MatchesAsync(async () => (await service.StoredAsync(good)).Stored, s => s.SetEquals(good), "the five good items stored");
        Assert.Equal(1, (await service.StoredAsync(good)).Transactions);
        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = Assert.Single(messages).Body.GetProperty("message");
        Assert.Equal(("item-2", "partner-x", "signature", 401),
            (rejected.GetProperty("correlationId").GetString(), rejected.GetProperty("partnerId").GetString(),
             rejected.GetProperty("field").GetString(), rejected.GetProperty("status").GetInt32()));
        Assert.Empty((await service.StoredAsync([batch[2].Id])).Stored);

        // The broker delivers the same message again: nothing new stored, nothing new rejected.
        var recorded = await service.CountEventsOfTypeAsync("contribution_rejected");
        var submitted = await service.CountEventsOfTypeAsync("contribution_submitted");
        await tap.PublishRawAsync("contributions-submit-batch", command, messageId);
        var marker = Signed.Contribution(keyIndex: 5, text: "after the redelivery");
        await tap.PublishRawAsync("contributions-submit-batch", new JsonObject { ["contributions"] = new JsonArray(marker.Body.DeepClone()) }.ToJsonString(),
            Guid.NewGuid().ToString());
        // The batch queue is handled one message at a time, in order: once the marker is stored, the redelivery was handled.
        await Eventually.MatchesAsync(async () => (await service.StoredAsync([marker.Id])).Stored, s => s.Count == 1, "the marker batch stored");
        Assert.Equal(recorded, await service.CountEventsOfTypeAsync("contribution_rejected"));
        Assert.Equal(submitted + 1, await service.CountEventsOfTypeAsync("contribution_submitted"));
    }

    [Fact]
    public async Task An_empty_partner_batch_is_rejected_whole_naming_contributions()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync(nameof(ContributionRejected));

        await tap.PublishRawAsync("contributions-submit-batch", "{\"partnerId\":\"partner-x\",\"correlationId\":\"empty-1\",\"contributions\":[]}",
            Guid.NewGuid().ToString());

        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = messages[0].Body.GetProperty("message");
        Assert.Equal(("empty-1", "contributions", 400),
            (rejected.GetProperty("correlationId").GetString(), rejected.GetProperty("field").GetString(), rejected.GetProperty("status").GetInt32()));
    }
}
