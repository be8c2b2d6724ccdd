using System.Security.Cryptography;
using System.Text;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Contributions.Tests;

public sealed class ContributionIntakeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly IntakeOptions Options = new() { MaxContentBytes = 256 };
    private static readonly SignedRequestCheck Check = new(TestChain.Domain, new FakeTimeProvider(Now));

    private static IntakeDecision Decide(SubmitContributionRequest request, IntakeOptions? options = null, IReadOnlyList<string>? licences = null) =>
        ContributionIntake.Decide(request, options ?? Options, licences ?? (options ?? Options).AllowedLicences, Check);

    private static SubmitContributionRequest Signed(string text = "content", string kind = "data", ulong nonce = 7, string uri = "ipfs://x", int key = 1,
        string licence = TestChain.Licence, SigningDomain? domain = null) =>
        Signed(ContentSalt.Add(Encoding.UTF8.GetBytes(text)), kind, nonce, uri, key, licence, domain);

    private static SubmitContributionRequest Signed(byte[] content, string kind = "data", ulong nonce = 7, string uri = "ipfs://x", int key = 1,
        string licence = TestChain.Licence, SigningDomain? domain = null)
    {
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[key]), kind, Hex.Encode(SHA256.HashData(content)), uri, licence, nonce,
            (ulong)Now.AddHours(1).ToUnixTimeSeconds());
        return new SubmitContributionRequest
        {
            Contributor = payload.Contributor, Kind = kind, ContentHash = payload.ContentHash, ContentUri = uri, Licence = licence, Nonce = nonce,
            Deadline = payload.Deadline, Signature = TypedDataSigner.Sign(payload, domain ?? TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
            Content = Convert.ToBase64String(content),
        };
    }

    private static IReadOnlyDictionary<string, string[]> Errors(SubmitContributionRequest request) =>
        Assert.IsType<IntakeDecision.Invalid>(Decide(request)).Errors;

    [Fact]
    public void A_correctly_signed_contribution_is_accepted_with_its_eip712_digest_as_id()
    {
        var request = Signed();
        var accepted = Assert.IsType<IntakeDecision.Accept>(Decide(request));
        Assert.Equal(AnvilNode.DevAddresses[1], accepted.Event.Contributor);
        Assert.Equal("7", accepted.Event.Nonce);
        Assert.Equal(ContentSalt.LineLength + 7, accepted.Event.ContentSize);
        Assert.Equal(Now, accepted.Event.SubmittedAt);
    }

    [Fact]
    public void The_event_carries_the_hash_only_and_the_content_goes_to_the_store()
    {
        var accepted = Assert.IsType<IntakeDecision.Accept>(Decide(Signed("Zürich – naïve ✓")));
        Assert.Null(accepted.Event.Text);
        Assert.DoesNotContain("Zürich", System.Text.Json.JsonSerializer.Serialize(accepted.Event), StringComparison.Ordinal);
        Assert.True(ContentSalt.TryStrip(accepted.Content, out var content));
        Assert.Equal("Zürich – naïve ✓", Encoding.UTF8.GetString(content));
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe, 0x41 })] // binary content is salted all the same
    [InlineData(new byte[] { 0x41, 0x00, 0x42 })]
    public void Salted_binary_content_is_accepted(byte[] content)
    {
        var salted = ContentSalt.Add(content);
        var accepted = Assert.IsType<IntakeDecision.Accept>(Decide(Signed(salted)));
        Assert.Equal(salted.Length, accepted.Event.ContentSize);
        Assert.Equal(salted, accepted.Content);
    }

    [Theory]
    [InlineData("yes")] // a bare SHA-256 of a short text is found by guessing
    [InlineData("communityai-salt:short\nyes")]
    [InlineData("communityai-salt:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\nupper-case hex")]
    public void Content_without_a_well_formed_salt_line_is_refused(string stored)
    {
        var errors = Errors(Signed(Encoding.UTF8.GetBytes(stored)));
        Assert.Contains("salt line", errors["content"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_contributor_may_be_sent_in_lower_case()
    {
        var request = Signed() with { Contributor = AnvilNode.DevAddresses[1].ToLowerInvariant() };
        Assert.IsType<IntakeDecision.Accept>(Decide(request));
    }

    [Fact]
    public void Another_signers_address_is_unsigned() =>
        Assert.IsType<IntakeDecision.Unsigned>(Decide(Signed() with { Contributor = AnvilNode.DevAddresses[2] }));

    [Fact]
    public void A_signature_for_another_chain_is_unsigned() =>
        Assert.Equal(SigningFailure.SignerMismatch, Assert.IsType<IntakeDecision.Unsigned>(
            Decide(Signed(domain: new SigningDomain(1, TestChain.AnchorContract)))).Error.Failure);

    [Fact]
    public void A_signature_for_another_deployment_on_our_chain_is_unsigned() =>
        Assert.Equal(SigningFailure.SignerMismatch, Assert.IsType<IntakeDecision.Unsigned>(
            Decide(Signed(domain: new SigningDomain((ulong)AnvilNode.ChainId, "0x5FbDB2315678afecb367f032d93F642f64180aa3")))).Error.Failure);

    [Fact]
    public void A_version_1_signature_without_licence_is_named_as_version_1()
    {
        var request = Signed(licence: "") with { Licence = null };
        var payload = new ContributionPayload(request.Contributor!, request.Kind!, request.ContentHash!, request.ContentUri!, "", request.Nonce!.Value, request.Deadline!.Value);
        request = request with { Signature = TypedDataSigner.SignDigest(TypedDataSigner.Version1Digest(payload, (ulong)AnvilNode.ChainId)!, AnvilNode.DevPrivateKeys[1]) };
        var error = Assert.IsType<IntakeDecision.Unsigned>(Decide(request)).Error;
        Assert.Equal(SigningFailure.Version1Domain, error.Failure);
        Assert.Contains(TestChain.AnchorContract, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_licence_is_signed_and_recorded()
    {
        var accepted = Assert.IsType<IntakeDecision.Accept>(Decide(Signed(licence: "MIT")));
        Assert.Equal("MIT", accepted.Event.Licence);
        Assert.IsType<IntakeDecision.Unsigned>(Decide(Signed(licence: "MIT") with { Licence = "CC0-1.0" }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("GPL-3.0-only")]
    [InlineData("mit")]
    [InlineData("MIT\u0000")]
    public void A_licence_outside_the_allowed_list_is_named(string? licence) =>
        Assert.Contains("licence", Errors(Signed(licence: licence ?? "") with { Licence = licence }).Keys);

    [Fact]
    public void An_oversize_licence_is_named_without_looking_it_up() =>
        Assert.StartsWith("is required and at most 64", Errors(Signed(licence: new string('M', 65)))["licence"][0], StringComparison.Ordinal);

    [Fact]
    public void A_configured_licence_list_replaces_the_default_one()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Intake:Licences:0"] = "CC0-1.0" }).Build();
        var options = new IntakeOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(IntakeOptions.Section), options);
        Assert.Equal(["CC0-1.0"], options.AllowedLicences);
        Assert.Equal(IntakeOptions.DefaultLicences, new IntakeOptions().AllowedLicences);
    }

    [Fact]
    public void The_allowed_licences_come_from_the_options()
    {
        var options = new IntakeOptions { MaxContentBytes = 256, Licences = ["GPL-3.0-only"] };
        Assert.IsType<IntakeDecision.Accept>(Decide(Signed(licence: "GPL-3.0-only"), options));
        Assert.Contains("licence", Assert.IsType<IntakeDecision.Invalid>(Decide(Signed(), options)).Errors.Keys);
    }

    [Fact]
    public void The_list_in_force_decides_not_the_configured_one()
    {
        Assert.IsType<IntakeDecision.Accept>(Decide(Signed(licence: "GPL-3.0-only"), licences: ["GPL-3.0-only"]));
        var refused = Assert.IsType<IntakeDecision.Invalid>(Decide(Signed(licence: "MIT"), licences: ["GPL-3.0-only"]));
        Assert.EndsWith("the policy in force allows: GPL-3.0-only", refused.Errors["licence"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contributor")]
    [InlineData("kind")]
    [InlineData("contentHash")]
    [InlineData("contentUri")]
    [InlineData("licence")]
    [InlineData("nonce")]
    [InlineData("deadline")]
    [InlineData("signature")]
    public void Every_missing_field_is_named(string field)
    {
        var request = Signed();
        request = field switch
        {
            "contributor" => request with { Contributor = null },
            "kind" => request with { Kind = null },
            "contentHash" => request with { ContentHash = null, Content = null },
            "contentUri" => request with { ContentUri = null },
            "licence" => request with { Licence = null },
            "nonce" => request with { Nonce = null },
            "deadline" => request with { Deadline = null },
            _ => request with { Signature = null },
        };
        Assert.Contains(field, Errors(request).Keys);
    }

    [Fact]
    public void A_deadline_that_passed_is_refused() =>
        Assert.Contains("deadline", Errors(Signed() with { Deadline = (ulong)Now.AddSeconds(-1).ToUnixTimeSeconds() }).Keys);

    [Fact]
    public void A_deadline_further_ahead_than_allowed_is_refused() =>
        Assert.Contains("deadline", Errors(Signed() with { Deadline = (ulong)Now.AddDays(31).ToUnixTimeSeconds() }).Keys);

    [Fact]
    public void Content_larger_than_the_limit_is_refused_before_hashing() =>
        Assert.Contains("content", Errors(Signed() with { Content = Convert.ToBase64String(new byte[257]) }).Keys);

    [Fact]
    public void Content_that_is_not_base64_is_refused() =>
        Assert.Equal(["must be base64"], Errors(Signed() with { Content = "%%%" })["content"]);

    [Theory]
    [InlineData("http://example.org")]
    [InlineData("ftp://example.org/x")]
    [InlineData("relative/path")]
    [InlineData("https://example.org/\u0007")]
    public void Content_uris_outside_the_allow_list_are_refused(string uri) =>
        Assert.Contains("contentUri", Errors(Signed() with { ContentUri = uri }).Keys);

    [Fact]
    public void An_overlong_content_uri_is_refused() =>
        Assert.Contains("contentUri", Errors(Signed() with { ContentUri = "https://x/" + new string('a', 3000) }).Keys);

    [Theory]
    [InlineData("DATA")]
    [InlineData("data'; drop table x; --")]
    [InlineData("da\u0000ta")]
    public void Kinds_are_matched_exactly(string kind) =>
        Assert.Contains("kind", Errors(Signed() with { Kind = kind }).Keys);

    [Fact]
    public void Partner_commands_map_to_the_same_request()
    {
        var request = Signed();
        var command = new SubmitContribution(request.Contributor, request.Kind, request.ContentHash, request.ContentUri, "7",
            (long)request.Deadline!.Value, request.Signature, request.Content, "p", "c", request.Licence);
        var mapped = PartnerSubmission.ToRequest(command, out var error);
        Assert.Null(error);
        Assert.Equal(request, mapped);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("18446744073709551616")]
    public void A_partner_nonce_that_is_not_a_uint64_is_named(string nonce)
    {
        PartnerSubmission.ToRequest(new SubmitContribution(null, null, null, null, nonce, 1, null, null, null, null), out var error);
        Assert.Equal("nonce", error?.Field);
    }

    [Theory]
    [InlineData("submitted", "scored", "scored")]
    [InlineData("rewarded", "scored", "rewarded")]
    [InlineData("anchored", "rewarded", "anchored")]
    [InlineData("scored", "anchored", "anchored")]
    public void Statuses_only_move_forward(string current, string candidate, string expected) =>
        Assert.Equal(expected, StatusOrder.Latest(current, candidate));
}
