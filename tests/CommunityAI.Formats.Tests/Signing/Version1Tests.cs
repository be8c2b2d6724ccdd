using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Tests.Signing;

/// <summary>
/// Version 1 signatures (domain without a verifying contract) are refused; we still parse them exactly as ethers
/// made them, so the refusal can say "this is a version-1 signature" instead of a bare mismatch.
/// </summary>
public class Version1Tests
{
    private static readonly Version1Vectors Vectors = Version1Vectors.Load();

    public static TheoryData<string> ContributionNames => [.. Vectors.Contributions.Select(v => v.Name)];
    public static TheoryData<string> ReviewNames => [.. Vectors.Reviews.Select(v => v.Name)];

    [Fact]
    public void The_version_1_types_are_the_ones_ethers_encoded()
    {
        Assert.Equal(ContributionPayload.Version1Type, Vectors.Types.Contribution);
        Assert.Equal(ReviewPayload.Version1Type, Vectors.Types.Review);
    }

    [Theory, MemberData(nameof(ContributionNames))]
    public void A_version_1_contribution_digest_is_the_one_ethers_computed(string name)
    {
        var v = Vectors.Contributions.Single(c => c.Name == name);
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Version1Digest(v.Payload(), v.ChainId)!));
        Assert.Equal(v.Signer, TypedDataSigner.RecoverSigner(TypedDataSigner.Version1Digest(v.Payload(), v.ChainId)!, v.Signature));
    }

    [Theory, MemberData(nameof(ReviewNames))]
    public void A_version_1_review_digest_is_the_one_ethers_computed(string name)
    {
        var v = Vectors.Reviews.Single(r => r.Name == name);
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Version1Digest(v.Payload, v.ChainId)!));
        Assert.Equal(v.Signer, TypedDataSigner.RecoverSigner(TypedDataSigner.Version1Digest(v.Payload, v.ChainId)!, v.Signature));
    }

    [Theory, MemberData(nameof(ContributionNames))]
    public void A_version_1_signature_does_not_verify_in_version_2(string name)
    {
        var v = Vectors.Contributions.Single(c => c.Name == name);
        var domain = new SigningDomain(v.ChainId, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
        Assert.NotEqual(v.Signer, TypedDataSigner.RecoverSigner(v.Payload(), domain, v.Signature));
    }

    [Fact]
    public void Types_new_in_version_2_have_no_version_1_digest()
    {
        Assert.Null(TypedDataSigner.Version1Digest(new ErasurePayload(Address.Zero, "0x" + new string('1', 64), 1, 1), 31337));
        Assert.Null(TypedDataSigner.Version1Digest(new VotePayload(Address.Zero, "0x" + new string('1', 64), 1, "", 1, 1), 31337));
    }
}
