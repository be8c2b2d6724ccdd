using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.QualityScoring.Tests;

public sealed class SignedIntakeTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private const ulong ChainId = AnvilNode.ChainId;
    private static readonly string Id = "0x" + new string('c', 64);

    private static ReviewRequest Signed(int key, int score = 70, string verdict = "accept", ulong deadline = 1_800_000_600)
    {
        var payload = new ReviewPayload(AnvilNode.DevAddresses[key], Id, (ushort)score, verdict, 1, deadline);
        return new ReviewRequest
        {
            Validator = payload.Validator, ContributionId = Id, Score = score, Verdict = verdict, Nonce = 1, Deadline = deadline,
            Signature = TypedDataSigner.Sign(payload, ChainId, AnvilNode.DevPrivateKeys[key]),
        };
    }

    [Fact]
    public void A_review_signed_by_its_validator_is_accepted() =>
        Assert.IsType<SignedIntake.Decision<ReviewPayload>.Accept>(SignedIntake.Review(Signed(1), ChainId, Now));

    [Fact]
    public void A_review_signed_by_someone_else_is_unsigned() =>
        Assert.IsType<SignedIntake.Decision<ReviewPayload>.Unsigned>(
            SignedIntake.Review(Signed(1) with { Validator = AnvilNode.DevAddresses[2] }, ChainId, Now));

    [Fact]
    public void A_review_whose_score_was_changed_after_signing_is_unsigned() =>
        Assert.IsType<SignedIntake.Decision<ReviewPayload>.Unsigned>(SignedIntake.Review(Signed(1) with { Score = 99 }, ChainId, Now));

    [Theory]
    [InlineData("score", 101, "accept", 1_800_000_600UL)]
    [InlineData("verdict", 50, "maybe", 1_800_000_600UL)]
    [InlineData("deadline", 50, "accept", 1_799_999_999UL)]
    public void A_malformed_review_names_the_field(string field, int score, string verdict, ulong deadline)
    {
        var request = Signed(1) with { Score = score, Verdict = verdict, Deadline = deadline };
        var invalid = Assert.IsType<SignedIntake.Decision<ReviewPayload>.Invalid>(SignedIntake.Review(request, ChainId, Now));
        Assert.Contains(field, invalid.Errors.Keys);
    }

    [Fact]
    public void A_registration_verifies_only_for_its_own_signer()
    {
        var registration = new ValidatorRegistration(AnvilNode.DevAddresses[3], 5, 1_800_000_600);
        var request = new RegistrationRequest
        {
            Validator = registration.Validator, Nonce = 5, Deadline = 1_800_000_600, Signature = registration.Sign(ChainId, AnvilNode.DevPrivateKeys[3]),
        };
        Assert.IsType<SignedIntake.Decision<ValidatorRegistration>.Accept>(SignedIntake.Registration(request, ChainId, Now));
        Assert.IsType<SignedIntake.Decision<ValidatorRegistration>.Unsigned>(SignedIntake.Registration(request with { Nonce = 6 }, ChainId, Now));
        Assert.IsType<SignedIntake.Decision<ValidatorRegistration>.Unsigned>(SignedIntake.Registration(request, ChainId + 1, Now));
    }
}
