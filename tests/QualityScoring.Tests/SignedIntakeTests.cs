using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CommunityAI.QualityScoring.Tests;

public sealed class SignedIntakeTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly SignedRequestCheck Check = new(TestChain.Domain, new FakeTimeProvider(Now));
    private static readonly string Id = "0x" + new string('c', 64);
    private static readonly string Salt = "0x" + new string('5', 64);

    private static ReviewRequest Signed(int key, int score = 70, string verdict = "accept", ulong deadline = 1_800_000_600, SigningDomain? domain = null)
    {
        var payload = new ReviewPayload(AnvilNode.DevAddresses[key], Id, (ushort)score, verdict, Salt, 1, deadline);
        return new ReviewRequest
        {
            Validator = payload.Validator, ContributionId = Id, Score = score, Verdict = verdict, Salt = Salt, Nonce = 1, Deadline = deadline,
            Signature = TypedDataSigner.Sign(payload, domain ?? TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        };
    }

    [Fact]
    public void A_review_signed_by_its_validator_is_accepted() =>
        Assert.IsType<SignedIntake.Decision<ReviewPayload>.Accept>(SignedIntake.Review(Signed(1), Check));

    [Fact]
    public void A_review_signed_by_someone_else_is_unsigned() =>
        Assert.IsType<SignedIntake.Decision<ReviewPayload>.Unsigned>(
            SignedIntake.Review(Signed(1) with { Validator = AnvilNode.DevAddresses[2] }, Check));

    [Fact]
    public void A_review_whose_score_or_salt_was_changed_after_signing_is_unsigned()
    {
        Assert.IsType<SignedIntake.Decision<ReviewPayload>.Unsigned>(SignedIntake.Review(Signed(1) with { Score = 99 }, Check));
        Assert.IsType<SignedIntake.Decision<ReviewPayload>.Unsigned>(SignedIntake.Review(Signed(1) with { Salt = "0x" + new string('6', 64) }, Check));
    }

    [Fact]
    public void A_review_for_another_deployment_is_unsigned()
    {
        var staging = new SigningDomain((ulong)AnvilNode.ChainId, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        var unsigned = Assert.IsType<SignedIntake.Decision<ReviewPayload>.Unsigned>(SignedIntake.Review(Signed(1, domain: staging), Check));
        Assert.Equal(SigningFailure.SignerMismatch, unsigned.Error.Failure);
    }

    [Fact]
    public void A_version_1_review_without_salt_is_named_as_version_1()
    {
        var old = new ReviewPayload(AnvilNode.DevAddresses[1], Id, 70, "accept", Salt, 1, 1_800_000_600);
        var request = Signed(1) with
        {
            Salt = null,
            Signature = TypedDataSigner.SignDigest(TypedDataSigner.Version1Digest(old, (ulong)AnvilNode.ChainId)!, AnvilNode.DevPrivateKeys[1]),
        };
        var unsigned = Assert.IsType<SignedIntake.Decision<ReviewPayload>.Unsigned>(SignedIntake.Review(request, Check));
        Assert.Equal(SigningFailure.Version1Domain, unsigned.Error.Failure);
        Assert.Contains(TestChain.AnchorContract, unsigned.Error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("score", 101, "accept", 1_800_000_600UL)]
    [InlineData("verdict", 50, "maybe", 1_800_000_600UL)]
    [InlineData("deadline", 50, "accept", 1_799_999_999UL)]
    public void A_malformed_review_names_the_field(string field, int score, string verdict, ulong deadline)
    {
        var request = Signed(1) with { Score = score, Verdict = verdict, Deadline = deadline };
        var invalid = Assert.IsType<SignedIntake.Decision<ReviewPayload>.Invalid>(SignedIntake.Review(request, Check));
        Assert.Contains(field, invalid.Errors.Keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0x1234")]
    [InlineData("5555555555555555555555555555555555555555555555555555555555555555")]
    public void A_review_without_a_32_byte_salt_names_the_salt(string? salt)
    {
        var invalid = Assert.IsType<SignedIntake.Decision<ReviewPayload>.Invalid>(SignedIntake.Review(Signed(1) with { Salt = salt }, Check));
        Assert.Contains("salt", invalid.Errors.Keys);
    }

    [Fact]
    public void A_registration_verifies_only_for_its_own_signer_in_our_domain()
    {
        var registration = new ValidatorRegistrationPayload(AnvilNode.DevAddresses[3], 5, 1_800_000_600);
        var request = new RegistrationRequest
        {
            Validator = registration.Validator, Nonce = 5, Deadline = 1_800_000_600,
            Signature = TypedDataSigner.Sign(registration, TestChain.Domain, AnvilNode.DevPrivateKeys[3]),
        };
        Assert.IsType<SignedIntake.Decision<ValidatorRegistrationPayload>.Accept>(SignedIntake.Registration(request, Check));
        Assert.IsType<SignedIntake.Decision<ValidatorRegistrationPayload>.Unsigned>(SignedIntake.Registration(request with { Nonce = 6 }, Check));
        var otherChain = new SignedRequestCheck(new SigningDomain((ulong)AnvilNode.ChainId + 1, TestChain.AnchorContract), new FakeTimeProvider(Now));
        Assert.IsType<SignedIntake.Decision<ValidatorRegistrationPayload>.Unsigned>(SignedIntake.Registration(request, otherChain));

        var v1 = request with { Signature = TypedDataSigner.SignDigest(TypedDataSigner.Version1Digest(registration, (ulong)AnvilNode.ChainId)!, AnvilNode.DevPrivateKeys[3]) };
        var refused = Assert.IsType<SignedIntake.Decision<ValidatorRegistrationPayload>.Unsigned>(SignedIntake.Registration(v1, Check));
        Assert.Equal(SigningFailure.Version1Domain, refused.Error.Failure);
    }
}
