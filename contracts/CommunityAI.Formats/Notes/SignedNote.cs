using System.Buffers.Binary;
using System.Text;

namespace CommunityAI.Formats.Notes;

/// <summary>
/// A C2SP <c>signed-note</c>: text, a blank line, then signature lines. Parsing follows golang.org/x/mod/sumdb/note's
/// <c>Open</c>: valid UTF-8, no control character but newline, the signatures after the last blank line, at most 100
/// of them. A note comes from a party the reader does not trust, so every malformation is an answer, never an exception.
/// </summary>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    /// <summary>More signature lines than this make a note malformed (as in Go's implementation).</summary>
    public const int MaxSignatures = 100;

    /// <summary>The largest note accepted: a checkpoint with its signatures is a few hundred bytes.</summary>
    public const int MaxBytes = 1 << 16;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Parses a note without checking any signature.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out SignedNote note, out string error)
    {
        note = null!;
        if (bytes.Length > MaxBytes)
            return Bad($"the note has {bytes.Length} bytes, more than {MaxBytes}", out error);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Bad("the note is not valid UTF-8", out error);
        }
        foreach (var c in text)
        {
            if (c < 0x20 && c != '\n')
                return Bad($"the note contains control character 0x{(int)c:x2}", out error);
        }
        int split = text.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
            return Bad("the note has no blank line before its signatures", out error);
        var body = text[..(split + 1)];
        var lines = text[(split + 2)..];
        if (lines.Length == 0 || lines[^1] != '\n')
            return Bad("the note's signature block must be non-empty and end with a newline", out error);

        var signatures = new List<NoteSignature>();
        foreach (var line in lines[..^1].Split('\n'))
        {
            if (signatures.Count == MaxSignatures)
                return Bad($"the note has more than {MaxSignatures} signatures", out error);
            if (!line.StartsWith(NoteSignature.Prefix, StringComparison.Ordinal))
                return Bad($"signature line \"{Shorten(line)}\" does not start with an em dash and a space", out error);
            var rest = line[NoteSignature.Prefix.Length..];
            int space = rest.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? rest : rest[..space];
            var b64 = space < 0 ? "" : rest[(space + 1)..];
            if (!NoteKey.IsValidName(name))
                return Bad($"signature line \"{Shorten(line)}\" has no valid key name", out error);
            if (!NoteBase64.TryDecode(b64, out var raw) || raw.Length < 5)
                return Bad($"the signature of {name} is not base64 of a key hash and a signature", out error);
            signatures.Add(new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(raw), raw[4..]));
        }
        note = new SignedNote(body, signatures);
        error = "";
        return true;
    }

    /// <summary>The note as text: the body, a blank line, each signature line.</summary>
    public string Format()
    {
        var sb = new StringBuilder(Text).Append('\n');
        foreach (var s in Signatures)
            sb.Append(s.ToLine());
        return sb.ToString();
    }

    /// <summary>Whether the note carries a valid Ed25519 note signature (type 0x01) by <paramref name="key"/>.</summary>
    public bool IsSignedBy(NoteKey key)
    {
        if (key.Type != NoteKey.Ed25519Type)
            return false;
        var message = Encoding.UTF8.GetBytes(Text);
        return Signatures.Any(s => s.IsBy(key) && Ed25519.Verify(key.PublicKey, message, s.Signature));
    }

    private static bool Bad(string message, out string error)
    {
        error = message;
        return false;
    }

    private static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "…";
}
