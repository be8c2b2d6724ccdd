using System.Security.Cryptography;
using CommunityAI.Contributions.Domain;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Contributions.Tests;

public sealed class UploadOpeningTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IntakeOptions Options = new() { MaxUploadBytes = 10_000, MaxPartBytes = 1000, MaxUploadParts = 12 };
    private static readonly SignedRequestCheck Check = new(TestChain.Domain, new FakeTimeProvider(Now));

    private static OpenUploadRequest Signed(int size = 2500, uint partSize = 1000, int key = 1, int? signingKey = null)
    {
        var content = RandomNumberGenerator.GetBytes(size);
        var hashes = content.Chunk((int)partSize).Select(SHA256.HashData).ToArray();
        var payload = new ContentUploadPayload(AnvilNode.DevAddresses[key], Hex.Encode(SHA256.HashData(content)), (ulong)size, partSize,
            Hex.Encode(ContentUploadPayload.PartsHashOf(hashes)), 9, (ulong)Now.AddHours(1).ToUnixTimeSeconds());
        return new OpenUploadRequest
        {
            Contributor = payload.Contributor, ContentHash = payload.ContentHash, Size = payload.Size, PartSize = partSize,
            PartHashes = hashes.Select(h => Hex.Encode(h)).ToArray(), Nonce = 9, Deadline = payload.Deadline,
            Signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? key]),
        };
    }

    [Fact]
    public void A_signed_opening_fixes_every_part_length_and_hash_and_its_id_is_the_eip712_digest()
    {
        var request = Signed();
        var accepted = Assert.IsType<UploadOpening.Decision.Accept>(UploadOpening.Decide(request, Options, Check));
        var plan = accepted.Plan;
        Assert.Equal(3, plan.Parts);
        Assert.Equal(new[] { 1000, 1000, 500 }, Enumerable.Range(0, plan.Parts).Select(plan.LengthOf));
        Assert.Equal(request.PartHashes, plan.PartHashes.Select(h => Hex.Encode(h)));
        Assert.Equal(plan.PartHashes.Select(h => Hex.Encode(h)), UploadPlan.SplitHashes(plan.JoinedHashes()).Select(h => Hex.Encode(h)));
        var payload = new ContentUploadPayload(request.Contributor!, request.ContentHash!, 2500, 1000,
            Hex.Encode(ContentUploadPayload.PartsHashOf(plan.PartHashes)), 9, request.Deadline!.Value);
        Assert.Equal(Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), plan.UploadId);
        Assert.Equal("9", accepted.Nonce);
    }

    [Fact]
    public void Sizes_over_the_limits_are_refused_before_the_manifest_is_read()
    {
        Assert.Equal("size", Assert.IsType<UploadOpening.Decision.TooLarge>(UploadOpening.Decide(Signed(size: 10_001), Options, Check)).Field);
        Assert.Equal("partSize", Assert.IsType<UploadOpening.Decision.TooLarge>(UploadOpening.Decide(Signed(partSize: 1001), Options, Check)).Field);
        // 13 parts of 500 bytes: one more than allowed.
        Assert.Equal("partSize", Assert.IsType<UploadOpening.Decision.TooLarge>(UploadOpening.Decide(Signed(size: 6100, partSize: 500), Options, Check)).Field);
    }

    [Fact]
    public void A_manifest_not_the_signed_one_or_of_the_wrong_length_is_refused()
    {
        var shorter = Signed() with { PartHashes = Signed().PartHashes!.Take(2).ToArray() };
        Assert.Contains("partHashes", Assert.IsType<UploadOpening.Decision.Invalid>(UploadOpening.Decide(shorter, Options, Check)).Errors.Keys);
        var swapped = Signed();
        swapped = swapped with { PartHashes = swapped.PartHashes!.Reverse().ToArray() };
        Assert.IsType<UploadOpening.Decision.Unsigned>(UploadOpening.Decide(swapped, Options, Check));
        Assert.IsType<UploadOpening.Decision.Unsigned>(UploadOpening.Decide(Signed(signingKey: 2), Options, Check));
        Assert.Contains("size", Assert.IsType<UploadOpening.Decision.Invalid>(UploadOpening.Decide(Signed() with { Size = 0 }, Options, Check)).Errors.Keys);
    }
}
