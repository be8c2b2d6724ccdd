using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Tests.Signing;

public class TypedDataSignerTests
{
    private static readonly SigningVectors Vectors = SigningVectors.Load();

    public static TheoryData<string> Names => [.. Vectors.Messages.Select(v => v.Name)];

    private static MessageVector Vector(string name) => Vectors.Messages.Single(v => v.Name == name);

    [Fact]
    public void Our_type_strings_are_the_ones_ethers_encodes()
    {
        Assert.Equal(SigningDomain.TypeString, Vectors.Types["EIP712Domain"]);
        foreach (var v in Vectors.Messages)
            Assert.Equal(Vectors.Types[v.PrimaryType], v.Message.TypeString);
        string[] all = ["Contribution", "ValidatorRegistration", "ReviewCommit", "Review", "Appeal", "Proposal", "Vote", "Delegation", "Erasure", "DatasetSnapshot", "DatasetExport", "Veto", "ContentUpload", "ContentRead", "ModelRegistration"];
        Assert.Equal(all.Order(), Vectors.Messages.Select(v => v.PrimaryType).Distinct().Order());
        Assert.Equal(ContributionPayload.Type, Vectors.Types["Contribution"]);
        Assert.Equal(ValidatorRegistrationPayload.Type, Vectors.Types["ValidatorRegistration"]);
        Assert.Equal(ReviewCommitPayload.Type, Vectors.Types["ReviewCommit"]);
        Assert.Equal(ReviewPayload.Type, Vectors.Types["Review"]);
        Assert.Equal(AppealPayload.Type, Vectors.Types["Appeal"]);
        Assert.Equal(ProposalPayload.Type, Vectors.Types["Proposal"]);
        Assert.Equal(VotePayload.Type, Vectors.Types["Vote"]);
        Assert.Equal(DelegationPayload.Type, Vectors.Types["Delegation"]);
        Assert.Equal(ErasurePayload.Type, Vectors.Types["Erasure"]);
        Assert.Equal(DatasetSnapshotPayload.Type, Vectors.Types["DatasetSnapshot"]);
        Assert.Equal(DatasetExportPayload.Type, Vectors.Types["DatasetExport"]);
        Assert.Equal(VetoPayload.Type, Vectors.Types["Veto"]);
        Assert.Equal(ContentUploadPayload.Type, Vectors.Types["ContentUpload"]);
        Assert.Equal(ContentReadPayload.Type, Vectors.Types["ContentRead"]);
        Assert.Equal(ModelRegistrationPayload.Type, Vectors.Types["ModelRegistration"]);
    }

    [Fact]
    public void Domain_separators_are_the_ones_ethers_computes()
    {
        foreach (var d in Vectors.Domains)
        {
            Assert.Equal((SigningDomain.Name, SigningDomain.Version), (d.Name, d.Version));
            Assert.Equal(d.Separator, Hex.Encode(d.ToDomain().Separator.Span));
        }
    }

    [Fact]
    public void Review_commitments_are_the_ones_ethers_computes()
    {
        foreach (var c in Vectors.Commitments)
            Assert.Equal(c.Commitment, ReviewCommitment.Compute(c.Score, c.Verdict, c.Salt));
        var commit = Vectors.Messages.First(v => v.PrimaryType == "ReviewCommit");
        var review = Vectors.Messages.First(v => v.PrimaryType == "Review");
        var r = Assert.IsType<ReviewPayload>(review.Message);
        Assert.Equal(Assert.IsType<ReviewCommitPayload>(commit.Message).Commitment, ReviewCommitment.Compute(r.Score, r.Verdict, r.Salt));
    }

    [Fact]
    public void The_vectors_include_hostile_strings()
    {
        var strings = Vectors.Messages.SelectMany(v => v.Value.Values).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
        Assert.Contains(strings, s => s.Length >= 10_000);
        Assert.Contains(strings, s => s.Any(char.IsControl));
        Assert.Contains(strings, s => s.Any(char.IsSurrogate));
        Assert.Contains(strings, s => s.Length == 0);
    }

    [Theory, MemberData(nameof(Names))]
    public void Our_digest_is_the_digest_ethers_computes(string name)
    {
        var v = Vector(name);
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Digest(v.Message, Vectors.DomainOf(v))));
    }

    [Theory, MemberData(nameof(Names))]
    public void A_message_signed_by_ethers_recovers_to_its_signer(string name)
    {
        var v = Vector(name);
        Assert.Equal(v.Signer, TypedDataSigner.RecoverSigner(v.Message, Vectors.DomainOf(v), v.Signature));
    }

    [Theory, MemberData(nameof(Names))]
    public void We_sign_exactly_as_ethers_does(string name)
    {
        var v = Vector(name);
        Assert.Equal(v.Signature, TypedDataSigner.Sign(v.Message, Vectors.DomainOf(v), v.PrivateKey));
    }

    [Theory, MemberData(nameof(Names))]
    public void Changing_any_member_or_the_deployment_after_signing_changes_the_signer(string name)
    {
        var v = Vector(name);
        var domain = Vectors.DomainOf(v);
        var tampered = v.Value.Keys.Select(member => (member, MessageVector.Build(v.PrimaryType, Tamper(v.Value, member)), domain)).ToList();
        tampered.Add(("chainId", v.Message, new SigningDomain(domain.ChainId + 1, domain.VerifyingContract)));
        tampered.Add(("verifyingContract", v.Message, new SigningDomain(domain.ChainId, FlipLastBit(domain.VerifyingContract.ToLowerInvariant()))));
        foreach (var (member, message, inDomain) in tampered)
        {
            var recovered = TypedDataSigner.RecoverSigner(message, inDomain, v.Signature);
            Assert.True(recovered is not null && recovered != v.Signer, $"tampering with {member} went unnoticed");
        }
    }

    [Fact]
    public void Address_spelling_does_not_change_the_contribution_id()
    {
        var v = Vectors.Messages.First(m => m.PrimaryType == "Contribution");
        var p = Assert.IsType<ContributionPayload>(v.Message);
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Digest(p with { Contributor = p.Contributor.ToLowerInvariant() }, Vectors.DomainOf(v))));
        Assert.Equal(v.Digest, Hex.Encode(TypedDataSigner.Digest(p with { Contributor = "0x" + p.Contributor[2..].ToUpperInvariant() }, Vectors.DomainOf(v))));
    }

    [Fact]
    public void Recovery_ids_0_and_1_are_accepted_like_27_and_28()
    {
        var v = Vectors.Messages[0];
        var bytes = Hex.Decode(v.Signature);
        bytes[64] -= 27;
        Assert.Equal(v.Signer, TypedDataSigner.RecoverSigner(v.Message, Vectors.DomainOf(v), Hex.Encode(bytes)));
    }

    public static TheoryData<string, string?> MalformedSignatures()
    {
        var valid = Hex.Decode(Vectors.Messages[0].Signature);
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
        var v = Vectors.Messages[0];
        Assert.True(TypedDataSigner.RecoverSigner(v.Message, Vectors.DomainOf(v), signature) is null, why);
    }

    public static TheoryData<string, ISignedMessage, string> UnencodableMessages()
    {
        var good = (ContributionPayload)Vectors.Messages[0].Message;
        var review = (ReviewPayload)Vectors.Messages.First(v => v.PrimaryType == "Review").Message;
        return new TheoryData<string, ISignedMessage, string>
        {
            { "contributor is not an address", good with { Contributor = "0x1234" }, "contributor" },
            { "contributor has a bad checksum", good with { Contributor = BreakChecksum(good.Contributor) }, "contributor" },
            { "contributor without 0x", good with { Contributor = good.Contributor[2..] }, "contributor" },
            { "content hash of 31 bytes", good with { ContentHash = good.ContentHash[..^2] }, "contentHash" },
            { "content hash without 0x", good with { ContentHash = good.ContentHash[2..] }, "contentHash" },
            { "lone high surrogate in kind", good with { Kind = "data\uD800" }, "kind" },
            { "lone low surrogate in licence", good with { Licence = "\uDC00MIT" }, "licence" },
            { "null licence", good with { Licence = null! }, "licence" },
            { "salt of 31 bytes", review with { Salt = review.Salt[..^2] }, "salt" },
            { "bad contribution id", review with { ContributionId = "0x00" }, "contributionId" },
            { "delegatee not an address", new DelegationPayload(good.Contributor, "0x12", 1, 1), "delegatee" },
        };
    }

    [Theory, MemberData(nameof(UnencodableMessages))]
    public void An_unencodable_message_is_rejected_naming_the_member(string why, ISignedMessage message, string member)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => TypedDataSigner.Digest(message, Vectors.DomainOf(Vectors.Messages[0])));
        Assert.True(e.ParamName == member, $"{why}: named {e.ParamName}");
    }

    [Theory]
    [InlineData(0ul, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")]
    [InlineData(31337ul, "0x0000000000000000000000000000000000000000")]
    [InlineData(31337ul, "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e")]
    [InlineData(31337ul, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6E0")]
    public void A_domain_needs_a_chain_id_and_a_contract_address(ulong chainId, string contract)
    {
        Assert.ThrowsAny<ArgumentException>(() => new SigningDomain(chainId, contract));
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("0x00")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")]
    [InlineData("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")]
    public void Signing_with_an_invalid_private_key_is_rejected(string key)
    {
        Assert.Throws<ArgumentException>(() => TypedDataSigner.Sign(Vectors.Messages[0].Message, Vectors.DomainOf(Vectors.Messages[0]), key));
    }

    [Fact]
    public void Digesting_is_safe_from_many_threads_at_once()
    {
        var expected = Vectors.Messages.Select(v => v.Digest).ToArray();
        var results = new string[400];
        Parallel.For(0, results.Length, i =>
        {
            var v = Vectors.Messages[i % expected.Length];
            results[i] = Hex.Encode(TypedDataSigner.Digest(v.Message, Vectors.DomainOf(v)));
        });
        for (var i = 0; i < results.Length; i++)
            Assert.Equal(expected[i % expected.Length], results[i]);
    }

    /// <summary>Changes one member of an ethers value while keeping it encodable.</summary>
    private static Dictionary<string, JsonElement> Tamper(IReadOnlyDictionary<string, JsonElement> value, string member)
    {
        var copy = value.ToDictionary();
        var e = value[member];
        object changed = e.ValueKind switch
        {
            JsonValueKind.Number => e.GetUInt64() ^ 1,
            _ when e.GetString() is { Length: 42 } a && a.StartsWith("0x", StringComparison.Ordinal) => FlipLastBit(a.ToLowerInvariant()),
            _ when e.GetString() is { Length: 66 } h && h.StartsWith("0x", StringComparison.Ordinal) => FlipLastBit(h),
            _ when ulong.TryParse(e.GetString(), out var n) => (n ^ 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => e.GetString() + "s",
        };
        copy[member] = JsonSerializer.SerializeToElement(changed);
        return copy;
    }

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
