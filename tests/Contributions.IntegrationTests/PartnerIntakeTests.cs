using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Contributions.IntegrationTests;

/// <summary>The partner queue fed by a plain RabbitMQ client with raw JSON bodies (no MassTransit envelope).</summary>
public sealed class PartnerIntakeTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private const string Queue = "contributions-submit";

    private static string Command(JsonObject body, string correlationId)
    {
        body["partnerId"] = "partner-x";
        body["correlationId"] = correlationId;
        return body.ToJsonString();
    }

    [Fact]
    public async Task A_raw_json_command_from_a_plain_client_is_accepted_like_the_http_body()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var submitted = await tap.SubscribeAsync("ContributionSubmitted");
        var (id, body) = Signed.Contribution();

        await tap.PublishRawAsync(Queue, Command(body, "corr-accepted"));

        var status = await Eventually.MatchesAsync(() => service.Client.GetAsync($"/api/contributions/{id}").ContinueWith(t => t.Result.StatusCode),
            s => s == HttpStatusCode.OK, "the partner's contribution to be stored");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + id));
        var published = await Eventually.MatchesAsync(() => tap.DrainAsync(submitted), m => m.Count > 0, "ContributionSubmitted on the bus");
        Assert.Equal(id, published[0].Body.GetProperty("message").GetProperty("contributionId").GetString());
    }

    [Fact]
    public async Task A_raw_json_command_with_a_bad_signature_produces_ContributionRejected_with_the_correlation_id()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync("ContributionRejected");
        var (id, body) = Signed.Contribution();
        body["kind"] = "feedback"; // tampered after signing
        var faultedBefore = await tap.CountAsync(Queue + "_error");

        await tap.PublishRawAsync(Queue, Command(body, "corr-rejected"), messageId: Guid.NewGuid().ToString());

        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = messages[0].Body.GetProperty("message");
        Assert.Equal("corr-rejected", rejected.GetProperty("correlationId").GetString());
        Assert.Equal("signature", rejected.GetProperty("field").GetString());
        Assert.Equal(401, rejected.GetProperty("status").GetInt32());
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
        Assert.Equal(faultedBefore, await tap.CountAsync(Queue + "_error"));
    }

    [Fact]
    public async Task Megabytes_of_partner_strings_are_cut_before_the_history_keeps_the_rejection()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync("ContributionRejected");
        var (id, body) = Signed.Contribution();
        var huge = new string('x', 1_000_000);
        body["partnerId"] = "p" + huge;
        body["correlationId"] = "c" + huge; // and no message id: the correlation id would have been the stream's key
        body["contributor"] = "0x" + huge; // not an address: refused, and echoed back as sent

        await tap.PublishRawAsync(Queue, body.ToJsonString());

        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = messages[0].Body.GetProperty("message");
        Assert.Equal(400, rejected.GetProperty("status").GetInt32());
        foreach (var (member, sent) in new[] { ("partnerId", 1_000_001), ("correlationId", 1_000_001), ("contributor", 1_000_002) })
        {
            var text = rejected.GetProperty(member).GetString()!;
            Assert.True(text.Length < 200, $"{member} kept {text.Length} characters");
            Assert.EndsWith($"…(cut from {sent} characters)", text, StringComparison.Ordinal);
        }
        await using var connection = new Npgsql.NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT max(length(stream_id)), max(length(data::text)) FROM history.mt_events WHERE stream_id LIKE 'contributions/rejections/%'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetInt32(0) < 100, $"a rejection stream key of {reader.GetInt32(0)} characters");
        Assert.True(reader.GetInt32(1) < 4_096, $"a rejection of {reader.GetInt32(1)} characters kept");
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task A_version_1_command_on_the_bus_is_rejected_with_401_naming_the_domain()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync("ContributionRejected");
        var (id, body) = Signed.Version1Contribution(text: "old partner client");

        await tap.PublishRawAsync(Queue, Command(body, "corr-v1"), messageId: Guid.NewGuid().ToString());

        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = messages[0].Body.GetProperty("message");
        Assert.Equal("corr-v1", rejected.GetProperty("correlationId").GetString());
        Assert.Equal(401, rejected.GetProperty("status").GetInt32());
        Assert.Contains("version-1", rejected.GetProperty("reason").GetString()!, StringComparison.Ordinal);
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task A_command_with_a_licence_outside_the_list_is_rejected_naming_licence()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync("ContributionRejected");
        var (id, body) = Signed.Contribution(licence: "Proprietary");

        await tap.PublishRawAsync(Queue, Command(body, "corr-licence"), messageId: Guid.NewGuid().ToString());

        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = messages[0].Body.GetProperty("message");
        Assert.Equal(("licence", 400), (rejected.GetProperty("field").GetString(), rejected.GetProperty("status").GetInt32()));
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task A_replayed_nonce_on_the_bus_is_rejected_as_a_conflict_naming_the_nonce()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var rejections = await tap.SubscribeAsync("ContributionRejected");
        var nonce = Signed.NextNonce();
        var (firstId, first) = Signed.Contribution(nonce: nonce, text: "one");
        var (_, second) = Signed.Contribution(nonce: nonce, text: "two");
        using (var accepted = await service.Client.PostAsJsonAsync("/api/contributions", first))
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        await tap.PublishRawAsync(Queue, Command(second, "corr-replay"));

        var messages = await Eventually.MatchesAsync(() => tap.DrainAsync(rejections), m => m.Count > 0, "ContributionRejected on the bus");
        var rejected = messages[0].Body.GetProperty("message");
        Assert.Equal(("nonce", 409), (rejected.GetProperty("field").GetString(), rejected.GetProperty("status").GetInt32()));
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + firstId));
    }

    [Fact]
    public async Task An_unparseable_message_goes_to_the_error_queue_and_records_nothing()
    {
        await using var tap = await BrokerTap.ConnectAsync(service.Broker);
        var before = await service.CountEventsOfTypeAsync("contribution_rejected");

        await tap.PublishRawAsync(Queue, "this is { not json");

        await Eventually.MatchesAsync(() => tap.CountAsync(Queue + "_error"), c => c > 0, "the message in the error queue");
        Assert.Equal(before, await service.CountEventsOfTypeAsync("contribution_rejected"));
    }
}
