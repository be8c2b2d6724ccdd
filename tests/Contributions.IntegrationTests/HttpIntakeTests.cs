using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommunityAI.Formats;

namespace Contributions.IntegrationTests;

/// <summary>POST /api/contributions through the real store: what is accepted, what is refused, and that refusals change nothing.</summary>
public sealed class HttpIntakeTests(ContributionsService service) : IClassFixture<ContributionsService>
{
    private HttpClient Client => service.Client;

    private async Task<HttpResponseMessage> PostAsync(JsonNode body) =>
        await Client.PostAsync("/api/contributions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task AssertRefusedAsync(JsonNode body, HttpStatusCode status, string field, string streamKey)
    {
        using var response = await PostAsync(body);
        Assert.Equal(status, response.StatusCode);
        var problem = await ProblemAsync(response);
        var named = problem.TryGetProperty("errors", out var errors)
            ? errors.TryGetProperty(field, out _)
            : problem.GetProperty("field").GetString() == field;
        Assert.True(named, $"problem does not name {field}: {problem}");
        Assert.Equal(0, await service.CountEventsAsync(streamKey));
    }

    [Fact]
    public async Task A_signed_contribution_is_accepted_with_its_digest_as_id_and_a_location()
    {
        var (id, body) = Signed.Contribution();
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/contributions/{id}", response.Headers.Location?.OriginalString);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, result.GetProperty("id").GetString());
        Assert.Equal("submitted", result.GetProperty("status").GetString());
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + id));

        var view = await Client.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}");
        Assert.Equal("submitted", view.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_contribution_signed_by_ethers_js_is_accepted()
    {
        var body = Signed.ByEthers("signed by a wallet", Signed.NextNonce());
        if (body is null)
        {
            // The independent signer is the point of this test: CI must have it, a developer run without node passes on.
            Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")), "node or node_modules/ethers missing");
            return;
        }
        using var response = await Client.PostAsync("/api/contributions", new StringContent(body!, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("contributor", "0x90F79bf6EB2c4f870365E785982E1f101E93b906")]
    [InlineData("kind", "feedback")]
    [InlineData("contentUri", "ipfs://somewhere-else")]
    [InlineData("licence", "MIT")]
    [InlineData("nonce", "1")]
    [InlineData("deadline", null)]
    [InlineData("signature", null)]
    public async Task Every_field_tampered_after_signing_is_refused_as_unsigned(string field, string? replacement)
    {
        var (id, body) = Signed.Contribution();
        body[field] = field switch
        {
            "deadline" => body["deadline"]!.GetValue<ulong>() + 1,
            "signature" => FlipLastByteOfR(body["signature"]!.GetValue<string>()),
            _ => replacement,
        };
        await AssertRefusedAsync(body, HttpStatusCode.Unauthorized, "signature", "contributions/" + id);
    }

    [Fact]
    public async Task A_version_1_signature_is_refused_with_a_401_naming_the_domain_to_sign_over()
    {
        var (id, body) = Signed.Version1Contribution();
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("Version1Domain", problem.GetProperty("failure").GetString());
        Assert.Equal("signature", problem.GetProperty("field").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("version-1", detail, StringComparison.Ordinal);
        Assert.Contains("version: \"2\"", detail, StringComparison.Ordinal);
        Assert.Contains(CommunityAI.Testing.TestChain.AnchorContract, detail, StringComparison.Ordinal);
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task A_signature_for_another_deployment_on_the_same_chain_is_refused_naming_ours()
    {
        // Staging's anchor: the same chain, another verifying contract.
        var staging = new CommunityAI.Formats.Signing.SigningDomain((ulong)CommunityAI.Testing.AnvilNode.ChainId, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        var (id, body) = Signed.Contribution(domain: staging);
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("SignerMismatch", problem.GetProperty("failure").GetString());
        Assert.Contains(CommunityAI.Testing.TestChain.AnchorContract, problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Theory]
    [InlineData("GPL-3.0-only")]
    [InlineData("cc-by-4.0")]
    [InlineData("")]
    [InlineData("CC-BY-4.0 ")]
    public async Task A_licence_outside_the_allowed_list_is_refused_naming_licence_even_when_signed(string licence)
    {
        var (id, body) = Signed.Contribution(licence: licence);
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "licence", "contributions/" + id);
    }

    [Fact]
    public async Task An_oversize_licence_is_refused_naming_licence()
    {
        var (id, body) = Signed.Contribution(licence: new string('A', 5_000));
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "licence", "contributions/" + id);
    }

    [Fact]
    public async Task A_missing_licence_on_a_version_2_signature_is_refused_naming_licence()
    {
        var (id, body) = Signed.Contribution();
        body.Remove("licence");
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "licence", "contributions/" + id);
    }

    [Fact]
    public async Task The_stored_contribution_carries_its_licence()
    {
        var (id, body) = Signed.Contribution(licence: "CC0-1.0");
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("CC0-1.0", await service.LicenceOfAsync(id));
    }

    [Fact]
    public async Task A_tampered_content_hash_without_inline_content_is_refused_as_unsigned()
    {
        var (id, body) = Signed.Contribution(inlineContent: false);
        body["contentHash"] = Hex.Encode(new byte[32]);
        await AssertRefusedAsync(body, HttpStatusCode.Unauthorized, "signature", "contributions/" + id);
    }

    [Fact]
    public async Task Inline_content_that_does_not_hash_to_contentHash_is_refused()
    {
        var (id, body) = Signed.Contribution();
        body["content"] = Convert.ToBase64String("something else"u8.ToArray());
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "content", "contributions/" + id);
    }

    [Fact]
    public async Task Resubmitting_the_same_signed_contribution_returns_200_and_the_same_id()
    {
        var (id, body) = Signed.Contribution();
        using var first = await PostAsync(body);
        using var second = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(id, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task Reusing_a_nonce_for_different_fields_is_a_conflict()
    {
        var nonce = Signed.NextNonce();
        var (_, first) = Signed.Contribution(nonce: nonce, text: "first");
        var (secondId, second) = Signed.Contribution(nonce: nonce, text: "second");
        using var accepted = await PostAsync(first);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await AssertRefusedAsync(second, HttpStatusCode.Conflict, "nonce", "contributions/" + secondId);
    }

    [Fact]
    public async Task An_expired_deadline_is_refused()
    {
        var (id, body) = Signed.Contribution(deadline: DateTimeOffset.UtcNow.AddMinutes(-1));
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "deadline", "contributions/" + id);
    }

    [Fact]
    public async Task A_deadline_years_ahead_is_refused()
    {
        var (id, body) = Signed.Contribution(deadline: DateTimeOffset.UtcNow.AddYears(5));
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "deadline", "contributions/" + id);
    }

    [Fact]
    public async Task An_unknown_kind_is_refused()
    {
        var (id, body) = Signed.Contribution();
        body["kind"] = "weights";
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "kind", "contributions/" + id);
    }

    [Fact]
    public async Task A_content_hash_that_is_not_32_bytes_of_hex_is_refused()
    {
        var (id, body) = Signed.Contribution();
        body["contentHash"] = "0x1234";
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "contentHash", "contributions/" + id);
    }

    [Theory]
    [InlineData("http://example.org/plain-http")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://example.org/\u0000\u001b[31m")]
    public async Task A_content_uri_outside_the_allow_list_or_with_control_characters_is_refused(string uri)
    {
        var (id, body) = Signed.Contribution();
        body["contentUri"] = uri;
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "contentUri", "contributions/" + id);
    }

    [Fact]
    public async Task Content_over_the_configured_size_is_refused()
    {
        var (id, body) = Signed.Contribution(text: new string('x', ContributionsService.MaxContentBytes + 1));
        await AssertRefusedAsync(body, HttpStatusCode.BadRequest, "content", "contributions/" + id);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_it_is_read()
    {
        var (id, body) = Signed.Contribution();
        body["content"] = new string('A', 200_000);
        await AssertRefusedAsync(body, HttpStatusCode.RequestEntityTooLarge, "body", "contributions/" + id);
    }

    [Fact]
    public async Task A_hundred_thousand_character_unicode_kind_is_refused()
    {
        var (id, body) = Signed.Contribution(inlineContent: false);
        body["kind"] = string.Concat(Enumerable.Repeat("数据🚀", 25_000));
        body["content"] = null;
        using var response = await PostAsync(body);
        // 100k characters exceed the body bound before any check runs; either way nothing is stored.
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge });
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Theory]
    [InlineData("kind", "data'; DROP TABLE history.mt_events; --")]
    [InlineData("contributor", "0x' OR 1=1 --")]
    [InlineData("contentHash", "0x\u0000\u0007\u001f")]
    [InlineData("kind", "da\u0000ta")]
    public async Task Hostile_strings_are_refused_and_change_nothing(string field, string hostile)
    {
        var (id, body) = Signed.Contribution();
        body[field] = hostile;
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(0, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task A_signed_sql_fragment_in_the_content_uri_is_stored_verbatim_as_data()
    {
        const string uri = "https://example.org/c?q=%27;DROP%20TABLE%20history.mt_events;--";
        var (id, body) = Signed.Contribution(contentUri: uri);
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + id));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var response = await Client.PostAsync("/api/contributions", new StringContent("{\"contributor\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Fifty_concurrent_submissions_of_one_signed_contribution_store_exactly_one()
    {
        var (id, body) = Signed.Contribution();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PostAsync(body)));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.OK }));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(1, await service.CountEventsAsync("contributions/" + id));
        foreach (var r in responses)
            r.Dispose();
    }

    [Fact]
    public async Task A_contributors_contributions_are_listed_in_bounded_pages()
    {
        for (var i = 0; i < 3; i++)
        {
            using var r = await PostAsync(Signed.Contribution(keyIndex: 7, text: $"paged {i}").Body);
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }
        var address = CommunityAI.Testing.AnvilNode.DevAddresses[7];
        var first = await Client.GetFromJsonAsync<JsonElement>($"/api/contributors/{address.ToLowerInvariant()}/contributions?page=1&pageSize=2");
        var second = await Client.GetFromJsonAsync<JsonElement>($"/api/contributors/{address}/contributions?page=2&pageSize=2");
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());

        using var tooBig = await Client.GetAsync($"/api/contributors/{address}/contributions?pageSize=1000");
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.True((await ProblemAsync(tooBig)).GetProperty("errors").TryGetProperty("pageSize", out _));

        // (page - 1) * pageSize used to wrap negative here and fail inside the query with a 500.
        using var farOut = await Client.GetAsync($"/api/contributors/{address}/contributions?page=2147483647&pageSize=100");
        Assert.Equal(HttpStatusCode.BadRequest, farOut.StatusCode);
        Assert.True((await ProblemAsync(farOut)).GetProperty("errors").TryGetProperty("page", out _));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var document = await Client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/contributions", document);
        Assert.Contains("/api/contributors/{address}/contributions", document);
    }

    private static string FlipLastByteOfR(string signature)
    {
        var bytes = Hex.Decode(signature);
        bytes[31] ^= 0x01;
        return Hex.Encode(bytes);
    }
}
