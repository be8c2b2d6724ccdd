using System.Numerics;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Tests.Signing;

public class TypedDataSignerTests
{
    private static readonly SigningVectors Vectors = SigningVectors.Load();

    public static TheoryData<string> ContributionNames => [.. Vectors.Contributions.Select(v => v.Name)];
    public static TheoryData<string> ReviewNames => [.. Vectors.Reviews.Select(v => v.Name)];

    private static ContributionVector Contribution(string name) => Vectors.Contributions.Single(v => v.Name == name);
    private static ReviewVector Review(string name) => Vectors.Reviews.Single(v => v.Name == name);

    [Fact]
    public void Our_type_strings_are_the_ones_ethers_encodes()
    {
        Assert.Equal(TypedDataSchema.ContributionType, Vectors.Types.Contribution);
        Assert.Equal(TypedDataSchema.ReviewType, Vectors.Types.Review);
    }

    [Fact]
    public void The_vectors_include_hostile_strings()
    {
        Assert.Contains(Vectors.Contributions, v => v.Value.ContentUri.Length >= 10_000);
        Assert.Contains(Vectors.Contributions, v => v.Value.Kind.Any(char.IsControl));
        Assert.Contains(Vectors.Contributions, v => v.Value.ContentUri.Any(c => c > 0x7F));
        Assert.Contains(Vectors.Reviews, v => v.Value.Verdict.Any(char.IsSurrogate));
    }

    [Theory, MemberData(nameof(ContributionNames))]
    public void Contribution_id_is_the_digest_ethers_computes(string name)
    {
        var v = Contribution(name);
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Digest(v.Payload, v.ChainId)));
    }

    [Theory, MemberData(nameof(ReviewNames))]
    public void Review_digest_is_the_digest_ethers_computes(string name)
    {
        var v = Review(name);
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Digest(v.Payload, v.ChainId)));
    }

    [Theory, MemberData(nameof(ContributionNames))]
    public void A_contribution_signed_by_ethers_recovers_to_its_signer(string name)
    {
        var v = Contribution(name);
        Assert.Equal(v.Signer, TypedDataSigner.RecoverSigner(v.Payload, v.ChainId, v.Signature));
    }

    [Theory, MemberData(nameof(ReviewNames))]
    public void A_review_signed_by_ethers_recovers_to_its_signer(string name)
    {
        var v = Review(name);
        Assert.Equal(v.Signer, TypedDataSigner.RecoverSigner(v.Payload, v.ChainId, v.Signature));
    }

    [Theory, MemberData(nameof(ContributionNames))]
    public void We_sign_contributions_exactly_as_ethers_does(string name)
    {
        var v = Contribution(name);
        Assert.Equal(v.Signature, TypedDataSigner.Sign(v.Payload, v.ChainId, v.PrivateKey));
    }

    [Theory, MemberData(nameof(ReviewNames))]
    public void We_sign_reviews_exactly_as_ethers_does(string name)
    {
        var v = Review(name);
        Assert.Equal(v.Signature, TypedDataSigner.Sign(v.Payload, v.ChainId, v.PrivateKey));
    }

    [Theory, MemberData(nameof(ContributionNames))]
    public void Changing_any_contribution_field_or_the_chain_after_signing_changes_the_signer(string name)
    {
        var v = Contribution(name);
        var p = v.Payload;
        var tampered = new (string Field, ContributionPayload Payload, ulong ChainId)[]
        {
            ("contributor", p with { Contributor = OtherAddress(p.Contributor) }, v.ChainId),
            ("kind", p with { Kind = p.Kind + "s" }, v.ChainId),
            ("contentHash", p with { ContentHash = FlipLastBit(p.ContentHash) }, v.ChainId),
            ("contentUri", p with { ContentUri = p.ContentUri + "/" }, v.ChainId),
            ("nonce", p with { Nonce = p.Nonce ^ 1 }, v.ChainId),
            ("deadline", p with { Deadline = p.Deadline ^ 1 }, v.ChainId),
            ("chainId", p, v.ChainId + 1),
        };
        foreach (var (field, payload, chainId) in tampered)
        {
            var recovered = TypedDataSigner.RecoverSigner(payload, chainId, v.Signature);
            Assert.True(recovered is not null && recovered != v.Signer, $"tampering with {field} went unnoticed");
        }
    }

    [Theory, MemberData(nameof(ReviewNames))]
    public void Changing_any_review_field_or_the_chain_after_signing_changes_the_signer(string name)
    {
        var v = Review(name);
        var p = v.Payload;
        var tampered = new (string Field, ReviewPayload Payload, ulong ChainId)[]
        {
            ("validator", p with { Validator = OtherAddress(p.Validator) }, v.ChainId),
            ("contributionId", p with { ContributionId = FlipLastBit(p.ContributionId) }, v.ChainId),
            ("score", p with { Score = (ushort)(p.Score ^ 1) }, v.ChainId),
            ("verdict", p with { Verdict = p.Verdict + " " }, v.ChainId),
            ("nonce", p with { Nonce = p.Nonce ^ 1 }, v.ChainId),
            ("deadline", p with { Deadline = p.Deadline ^ 1 }, v.ChainId),
            ("chainId", p, v.ChainId + 1),
        };
        foreach (var (field, payload, chainId) in tampered)
        {
            var recovered = TypedDataSigner.RecoverSigner(payload, chainId, v.Signature);
            Assert.True(recovered is not null && recovered != v.Signer, $"tampering with {field} went unnoticed");
        }
    }

    [Fact]
    public void Address_spelling_does_not_change_the_contribution_id()
    {
        var v = Vectors.Contributions[0];
        var lower = v.Payload with { Contributor = v.Payload.Contributor.ToLowerInvariant() };
        var upper = v.Payload with { Contributor = "0x" + v.Payload.Contributor[2..].ToUpperInvariant() };
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Digest(lower, v.ChainId)));
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Digest(upper, v.ChainId)));
    }

    [Fact]
    public void Recovery_ids_0_and_1_are_accepted_like_27_and_28()
    {
        var v = Vectors.Contributions[0];
        var bytes = Hex.Decode(v.Signature);
        bytes[64] -= 27;
        Assert.Equal(v.Signer, TypedDataSigner.RecoverSigner(v.Payload, v.ChainId, Hex.Encode(bytes)));
    }

    public static TheoryData<string, string?> MalformedSignatures()
    {
        var valid = Hex.Decode(Vectors.Contributions[0].Signature);
        string With(Action<byte[]> change)
        {
            var copy = (byte[])valid.Clone();
            change(copy);
            return Hex.Encode(copy);
        }
        var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        byte[] Word(BigInteger value)
        {
            var word = new byte[32];
            value.TryWriteBytes(word.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
            return word;
        }
        var s = new BigInteger(valid.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var sig = valid[..64];
        return new TheoryData<string, string?>
        {
            { "null", null },
            { "empty", "" },
            { "prefix only", "0x" },
            { "no 0x prefix", Convert.ToHexStringLower(valid) },
            { "64 bytes (EIP-2098 compact form)", Hex.Encode(sig) },
            { "66 bytes", Hex.Encode([.. valid, 0]) },
            { "odd number of digits", Hex.Encode(valid)[..^1] },
            { "non-hex character", "0xzz" + Hex.Encode(valid)[4..] },
            { "v = 29", With(b => b[64] = 29) },
            { "v = 26", With(b => b[64] = 26) },
            { "v = 2", With(b => b[64] = 2) },
            { "v = 37 (EIP-155 style)", With(b => b[64] = 37) },
            { "high s: the malleable twin", With(b => { Word(n - s).CopyTo(b, 32); b[64] = (byte)(b[64] == 27 ? 28 : 27); }) },
            { "r = 0", With(b => Array.Clear(b, 0, 32)) },
            { "s = 0", With(b => Array.Clear(b, 32, 32)) },
            { "r = n", With(b => Word(n).CopyTo(b, 0)) },
            { "s = n", With(b => Word(n).CopyTo(b, 32)) },
            { "r = 2^256 - 1", With(b => Array.Fill(b, (byte)0xFF, 0, 32)) },
            { "r not the x of a curve point", With(b => Word(5).CopyTo(b, 0)) },
            { "all zero", Hex.Encode(new byte[65]) },
            { "10k characters", "0x" + new string('a', 10_000) },
        };
    }

    [Theory, MemberData(nameof(MalformedSignatures))]
    public void A_malformed_signature_recovers_no_signer(string why, string? signature)
    {
        var v = Vectors.Contributions[0];
        Assert.True(TypedDataSigner.RecoverSigner(v.Payload, v.ChainId, signature) is null, why);
    }

    public static TheoryData<string, ContributionPayload> UnencodablePayloads()
    {
        var good = Vectors.Contributions[0].Payload;
        return new TheoryData<string, ContributionPayload>
        {
            { "contributor is not an address", good with { Contributor = "0x1234" } },
            { "contributor has a bad checksum", good with { Contributor = BreakChecksum(good.Contributor) } },
            { "contributor without 0x", good with { Contributor = good.Contributor[2..] } },
            { "content hash of 31 bytes", good with { ContentHash = good.ContentHash[..^2] } },
            { "content hash without 0x", good with { ContentHash = good.ContentHash[2..] } },
            { "lone high surrogate in kind", good with { Kind = "data\uD800" } },
            { "lone low surrogate in uri", good with { ContentUri = "\uDC00ipfs://x" } },
        };
    }

    [Theory, MemberData(nameof(UnencodablePayloads))]
    public void An_unencodable_contribution_is_rejected_with_an_argument_exception(string why, ContributionPayload payload)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => TypedDataSigner.Digest(payload, 31337));
        Assert.False(string.IsNullOrEmpty(e.ParamName), why);
    }

    [Fact]
    public void A_review_with_a_bad_contribution_id_is_rejected()
    {
        var p = Vectors.Reviews[0].Payload with { ContributionId = "0x00" };
        Assert.Throws<ArgumentException>(() => TypedDataSigner.Digest(p, 31337));
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("0x00")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")]
    [InlineData("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")]
    public void Signing_with_an_invalid_private_key_is_rejected(string key)
    {
        Assert.Throws<ArgumentException>(() => TypedDataSigner.Sign(Vectors.Contributions[0].Payload, 31337, key));
    }

    [Fact]
    public void Digesting_is_safe_from_many_threads_at_once()
    {
        var expected = Vectors.Contributions.Select(v => v.Digest).ToArray();
        var results = new string[200];
        Parallel.For(0, results.Length, i =>
        {
            var v = Vectors.Contributions[i % expected.Length];
            results[i] = Hex.Encode(TypedDataSigner.Digest(v.Payload, v.ChainId));
        });
        for (var i = 0; i < results.Length; i++)
            Assert.Equal(expected[i % expected.Length], results[i]);
    }

    private static string OtherAddress(string address) =>
        string.Equals(address, Vectors.Reviews[0].Signer, StringComparison.OrdinalIgnoreCase)
            ? Vectors.Reviews[1].Signer
            : Vectors.Reviews[0].Signer;

    private static string FlipLastBit(string hex)
    {
        var bytes = Hex.Decode(hex);
        bytes[^1] ^= 1;
        return Hex.Encode(bytes);
    }

    private static string BreakChecksum(string checksummed)
    {
        var chars = checksummed.ToCharArray();
        var i = Array.FindIndex(chars, 2, char.IsAsciiLetter);
        chars[i] = char.IsAsciiLetterUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
        return new string(chars);
    }
}
