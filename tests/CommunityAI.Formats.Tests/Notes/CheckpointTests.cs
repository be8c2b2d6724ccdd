using System.Text;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Formats.Tests.Notes;

/// <summary>tlog-checkpoint bodies and tlog-cosignature (cosignature/v1) lines, signed and opened as a client does.</summary>
public class CheckpointTests
{
    private static readonly byte[] Root = Convert.FromHexString("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    private static readonly NoteSigner Log = new("example.com/log", Seed(1));
    private static readonly NoteSigner Witness = new("witness.example", Seed(2), NoteKey.CosignatureType);
    private static readonly NoteSigner OtherWitness = new("other.example", Seed(3), NoteKey.CosignatureType);

    [Fact]
    public void A_checkpoint_body_is_origin_size_and_base64_root_one_per_line()
    {
        var body = new Checkpoint("example.com/log", 8, Root).Format();

        Assert.Equal("example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", body);
        Assert.True(Checkpoint.TryParse(body, out var parsed, out _));
        Assert.Equal(8L, parsed.TreeSize);
        Assert.Equal(Root, parsed.RootHash);
        Assert.True(Checkpoint.TryParse(body + "ext line\n", out var extended, out _));
        Assert.Equal(["ext line"], extended.Extensions);
    }

    [Theory]
    [InlineData("example.com/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("example.com/log\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("example.com/log\n 8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n")]
    [InlineData("example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQw==\n")]
    [InlineData("example.com/log\n8\n")]
    [InlineData("\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    [InlineData("example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")]
    [InlineData("example.com/log\n99999999999999999999\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")]
    public void Malformed_checkpoints_are_refused(string body)
    {
        Assert.False(Checkpoint.TryParse(body, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void A_cosignature_signs_the_cosignature_v1_header_the_time_and_the_body()
    {
        var body = new Checkpoint("example.com/log", 8, Root).Format();

        var line = Witness.Cosign(body, 1_700_000_000);

        Assert.Equal(8 + 64, line.Signature.Length);
        Assert.Equal(1_700_000_000ul, Cosignature.Timestamp(line));
        Assert.Equal("cosignature/v1\ntime 1700000000\n" + body, Encoding.UTF8.GetString(Cosignature.SignedMessage(body, 1_700_000_000)));
        Assert.True(Ed25519.Verify(Witness.Key.PublicKey, Cosignature.SignedMessage(body, 1_700_000_000), line.Signature.AsSpan(8)));
        Assert.True(Cosignature.Verify(Witness.Key, body, line));
        Assert.False(Cosignature.Verify(Witness.Key, body.Replace("8", "9", StringComparison.Ordinal), line));
        var otherTime = line with { Signature = [.. line.Signature] };
        otherTime.Signature[7] ^= 1;
        Assert.False(Cosignature.Verify(Witness.Key, body, otherTime));
    }

    [Fact]
    public void Cosignature_key_hashes_use_type_0x04_and_note_key_hashes_type_0x01()
    {
        var pub = Witness.Key.PublicKey;
        Assert.NotEqual(NoteKey.ComputeKeyHash(Witness.Key.Name, 0x01, pub), Witness.Key.KeyHash);
        Assert.Equal(NoteKey.ComputeKeyHash(Witness.Key.Name, 0x04, pub), Witness.Key.KeyHash);
        Assert.StartsWith("witness.example+", Witness.Key.ToString(), StringComparison.Ordinal);
        Assert.Equal(Witness.Key.ToString(), NoteKey.Parse(Witness.Key.ToString()).ToString());
    }

    [Fact]
    public void Opening_requires_the_logs_signature_and_k_of_n_witnesses()
    {
        var body = new Checkpoint("example.com/log", 8, Root).Format();
        var signed = new SignedNote(body, [Log.Sign(body), Witness.Cosign(body, 1)]).Format();
        var bytes = Encoding.UTF8.GetBytes(signed);

        var opened = SignedCheckpoint.Open(bytes, Log.Key, [Witness.Key, OtherWitness.Key], required: 1);
        Assert.True(opened.IsValid, opened.Error);
        Assert.Equal([Witness.Key.ToString()], opened.Witnesses.Select(w => w.ToString()));

        var tooFew = SignedCheckpoint.Open(bytes, Log.Key, [Witness.Key, OtherWitness.Key], required: 2);
        Assert.False(tooFew.IsValid);
        Assert.Equal("the checkpoint of size 8 has valid cosignatures from 1 of the 2 witnesses required", tooFew.Error);

        var wrongLog = SignedCheckpoint.Open(bytes, new NoteSigner("example.com/log", Seed(9)).Key);
        Assert.False(wrongLog.IsValid);
        Assert.StartsWith("the checkpoint carries no valid signature by example.com/log+", wrongLog.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_signed_under_another_origin_is_refused()
    {
        var other = new NoteSigner("other.example/log", Seed(1));
        var body = new Checkpoint("example.com/log", 8, Root).Format();

        var opened = SignedCheckpoint.Open(Encoding.UTF8.GetBytes(new SignedNote(body, [other.Sign(body)]).Format()), other.Key);

        Assert.False(opened.IsValid);
        Assert.Contains("is not the log key's name", opened.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ed25519_matches_the_first_rfc_8032_test_vector()
    {
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(Ed25519.PublicKey(seed)));
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(Ed25519.Sign(seed, [])));
    }

    private static byte[] Seed(byte b) => Enumerable.Repeat(b, 32).ToArray();
}
