using System.Text;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Formats.Tests.Notes;

/// <summary>
/// signed-note against the vectors of golang.org/x/mod/sumdb/note (note_test.go): its test keys, the exact signed
/// note its Sign produces, and the malformed keys and notes its Open refuses.
/// </summary>
public class SignedNoteTests
{
    internal const string PeterPrivate = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    internal const string PeterKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string EnochKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string PeterSig = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    private const string EnochSig = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    [Fact]
    public void Signing_the_go_test_note_with_the_go_test_key_gives_the_go_signature_byte_for_byte()
    {
        var signer = NoteSigner.ParsePrivateKey(PeterPrivate);

        var note = new SignedNote(Text, [signer.Sign(Text)]).Format();

        Assert.Equal(Text + "\n" + PeterSig, note);
        Assert.Equal(PeterKey, signer.Key.ToString());
        Assert.Equal(0xc74f20a3u, signer.Key.KeyHash);
        Assert.Equal(PeterPrivate, signer.ToPrivateKey());
    }

    [Fact]
    public void The_go_notes_verify_under_their_keys_and_not_under_each_other()
    {
        var parsed = SignedNote.TryParse(Encoding.UTF8.GetBytes(Text + "\n" + PeterSig + EnochSig), out var note, out var error);

        Assert.True(parsed, error);
        Assert.Equal(Text, note.Text);
        Assert.Equal(["PeterNeumann", "EnochRoot"], note.Signatures.Select(s => s.Name));
        Assert.True(note.IsSignedBy(NoteKey.Parse(PeterKey)));
        Assert.True(note.IsSignedBy(NoteKey.Parse(EnochKey)));
        Assert.Equal(Text + "\n" + PeterSig + EnochSig, note.Format());

        SignedNote.TryParse(Encoding.UTF8.GetBytes(Text + "\n" + EnochSig), out var enochOnly, out _);
        Assert.False(enochOnly.IsSignedBy(NoteKey.Parse(PeterKey)));
    }

    [Fact]
    public void A_changed_text_no_longer_verifies()
    {
        SignedNote.TryParse(Encoding.UTF8.GetBytes(Text.Replace("answer", "Answer", StringComparison.Ordinal) + "\n" + PeterSig), out var note, out _);

        Assert.False(note.IsSignedBy(NoteKey.Parse(PeterKey)));
    }

    [Theory]
    // From note_test.go: a wrong-length key with an adjusted hash, and an unknown algorithm with an adjusted hash.
    [InlineData("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")]
    [InlineData("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("")]
    public void Malformed_verifier_keys_are_refused(string key)
    {
        Assert.False(NoteKey.TryParse(key, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Every_truncation_and_every_changed_character_of_the_go_key_is_refused()
    {
        for (int i = 0; i <= PeterKey.Length; i++)
            for (int j = i + 1; j <= PeterKey.Length; j++)
                if (i != 0 || j != PeterKey.Length)
                    Assert.False(NoteKey.TryParse(PeterKey[i..j], out _, out _), PeterKey[i..j]);
        for (int i = 0; i < PeterKey.Length; i++)
        {
            var changed = PeterKey[..i] + (char)(PeterKey[i] + 1) + PeterKey[(i + 1)..];
            Assert.False(NoteKey.TryParse(changed, out _, out _), changed);
        }
    }

    [Theory]
    [InlineData("no blank line\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData("text\n\n")]
    [InlineData("text\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=")]
    [InlineData("text\n\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData("text\n\n— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData("text\n\n— PeterNeumann x08g\n")]
    [InlineData("text\n\n— PeterNeumann not base64!\n")]
    [InlineData("te\txt\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData("text\r\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    public void Malformed_notes_are_refused_with_a_reason(string text)
    {
        Assert.False(SignedNote.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Invalid_utf8_and_too_many_signatures_are_refused()
    {
        Assert.False(SignedNote.TryParse([(byte)'a', 0xff, (byte)'\n', (byte)'\n', .. Encoding.UTF8.GetBytes(PeterSig)], out _, out _));
        var many = Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, SignedNote.MaxSignatures + 1));
        Assert.False(SignedNote.TryParse(Encoding.UTF8.GetBytes(many), out _, out var error));
        Assert.Contains("more than 100 signatures", error, StringComparison.Ordinal);
    }
}
