using CommunityAI.Formats.Signing;
using Microsoft.Extensions.Time.Testing;

namespace CommunityAI.Formats.Tests.Signing;

public class SignedRequestCheckTests
{
    private static readonly SigningVectors Vectors = SigningVectors.Load();
    private static readonly Version1Vectors V1 = Version1Vectors.Load();
    private static readonly TimeSpan Ahead = TimeSpan.FromDays(30);

    // 2025-12-05: before the vectors' common deadline (2026-01-01), within 30 days of it.
    private static readonly DateTimeOffset Now = new(2025, 12, 5, 0, 0, 0, TimeSpan.Zero);

    private static SignedRequestCheck CheckFor(MessageVector v) => new(Vectors.DomainOf(v), new FakeTimeProvider(Now));

    public static TheoryData<string> Names => [.. Vectors.Messages.Select(v => v.Name)];

    [Theory, MemberData(nameof(Names))]
    public void Every_type_signed_by_ethers_passes_the_one_check(string name)
    {
        var v = Vectors.Messages.Single(m => m.Name == name);
        Assert.Null(CheckFor(v).Verify(v.Message, v.Signature));
    }

    [Fact]
    public void Fields_that_pass_give_the_signer_checksummed()
    {
        var v = Vectors.Messages[0];
        var errors = new List<SigningError>();
        var signer = CheckFor(v).CheckFields("contributor", v.Signer.ToLowerInvariant(), 1, 1767225600, v.Signature, Ahead, errors);
        Assert.Empty(errors);
        Assert.Equal(v.Signer, signer);
    }

    [Theory]
    [InlineData(null, 1ul, 1767225600ul, "ok", SigningFailure.AddressMalformed, "contributor")]
    [InlineData("0x1234", 1ul, 1767225600ul, "ok", SigningFailure.AddressMalformed, "contributor")]
    [InlineData("ok", null, 1767225600ul, "ok", SigningFailure.NonceMissing, "nonce")]
    [InlineData("ok", 1ul, null, "ok", SigningFailure.DeadlineMissing, "deadline")]
    [InlineData("ok", 1ul, 1764547199ul, "ok", SigningFailure.DeadlinePassed, "deadline")]
    [InlineData("ok", 1ul, 1767571200ul, "ok", SigningFailure.DeadlineTooFar, "deadline")]
    [InlineData("ok", 1ul, 1767225600ul, "0x1234", SigningFailure.SignatureMalformed, "signature")]
    [InlineData("ok", 1ul, 1767225600ul, null, SigningFailure.SignatureMalformed, "signature")]
    public void Each_broken_field_is_a_named_failure(string? signer, ulong? nonce, ulong? deadline, string? signature, SigningFailure failure, string field)
    {
        var v = Vectors.Messages[0];
        var errors = new List<SigningError>();
        CheckFor(v).CheckFields("contributor", signer == "ok" ? v.Signer : signer, nonce, deadline, signature == "ok" ? v.Signature : signature, Ahead, errors);
        var error = Assert.Single(errors);
        Assert.Equal((failure, field), (error.Failure, error.Field));
        Assert.False(error.IsUnauthorized);
    }

    [Fact]
    public void The_deadline_is_read_from_the_clock_so_time_passing_expires_it()
    {
        var v = Vectors.Messages[0];
        var clock = new FakeTimeProvider(Now);
        var check = new SignedRequestCheck(Vectors.DomainOf(v), clock);
        var errors = new List<SigningError>();
        check.CheckFields("contributor", v.Signer, 1, 1767225600, v.Signature, Ahead, errors);
        Assert.Empty(errors);
        clock.Advance(TimeSpan.FromDays(32));
        check.CheckFields("contributor", v.Signer, 1, 1767225600, v.Signature, Ahead, errors);
        Assert.Equal(SigningFailure.DeadlinePassed, Assert.Single(errors).Failure);
    }

    [Fact]
    public void A_signature_for_another_deployment_on_the_same_chain_is_a_mismatch_naming_our_domain()
    {
        var v = Vectors.Messages[0];
        var ours = Vectors.DomainOf(v);
        var staging = new SigningDomain(ours.ChainId, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        var signature = TypedDataSigner.Sign(v.Message, staging, v.PrivateKey);

        var error = CheckFor(v).Verify(v.Message, signature);

        Assert.Equal(SigningFailure.SignerMismatch, error!.Failure);
        Assert.True(error.IsUnauthorized);
        Assert.Contains(ours.VerifyingContract, error.Detail, StringComparison.Ordinal);
        Assert.Contains("version: \"2\"", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_by_someone_else_is_a_mismatch()
    {
        var v = Vectors.Messages[0];
        var other = Vectors.Messages.First(m => m.Signer != v.Signer);
        var error = CheckFor(v).Verify(v.Message, TypedDataSigner.Sign(v.Message, Vectors.DomainOf(v), other.PrivateKey));
        Assert.Equal(SigningFailure.SignerMismatch, error!.Failure);
    }

    [Fact]
    public void A_high_s_signature_is_unusable()
    {
        var v = Vectors.Messages[0];
        var bytes = Hex.Decode(v.Signature);
        bytes[64] = 30;
        Assert.Equal(SigningFailure.SignatureUnusable, CheckFor(v).Verify(v.Message, Hex.Encode(bytes))!.Failure);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_version_1_contribution_signed_by_ethers_is_refused_naming_the_version_2_domain(int index)
    {
        var v = V1.Contributions[index];
        var domain = new SigningDomain(v.ChainId, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
        var check = new SignedRequestCheck(domain, new FakeTimeProvider(Now));

        var error = check.Verify(v.Payload(), v.Signature);

        Assert.Equal(SigningFailure.Version1Domain, error!.Failure);
        Assert.True(error.IsUnauthorized);
        Assert.Contains("version-1", error.Detail, StringComparison.Ordinal);
        Assert.Contains(domain.ToString(), error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_review_signed_by_ethers_is_refused_as_version_1()
    {
        var v = V1.Reviews[0];
        var check = new SignedRequestCheck(new SigningDomain(v.ChainId, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), new FakeTimeProvider(Now));
        Assert.Equal(SigningFailure.Version1Domain, check.Verify(v.Payload, v.Signature)!.Failure);
    }

    [Fact]
    public void A_version_1_registration_is_refused_as_version_1()
    {
        var v = Vectors.Messages.First(m => m.PrimaryType == "ValidatorRegistration");
        var domain = Vectors.DomainOf(v);
        var v1Signature = TypedDataSigner.SignDigest(TypedDataSigner.Version1Digest(v.Message, domain.ChainId)!, v.PrivateKey);
        Assert.Equal(SigningFailure.Version1Domain, CheckFor(v).Verify(v.Message, v1Signature)!.Failure);
    }

    [Fact]
    public void A_version_1_signature_on_another_chain_is_only_a_mismatch()
    {
        var v = V1.Contributions.First(c => c.ChainId != 31337);
        var check = new SignedRequestCheck(new SigningDomain(31337, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"), new FakeTimeProvider(Now));
        Assert.Equal(SigningFailure.SignerMismatch, check.Verify(v.Payload(), v.Signature)!.Failure);
    }
}
