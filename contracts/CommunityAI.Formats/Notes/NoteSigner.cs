using System.Buffers.Binary;
using System.Text;

namespace CommunityAI.Formats.Notes;

/// <summary>
/// Signs notes with an Ed25519 key: plain signed-note signatures (type 0x01, the log's checkpoint key) or
/// cosignature/v1 (type 0x04, a witness). The seed never leaves this object and is never printed.
/// </summary>
public sealed class NoteSigner
{
    private const string PrivatePrefix = "PRIVATE+KEY+";
    private readonly byte[] _seed;

    /// <summary>A signer named <paramref name="name"/> for the 32-byte seed <paramref name="seed"/>.</summary>
    /// <exception cref="FormatException">The name or type is not valid.</exception>
    public NoteSigner(string name, ReadOnlySpan<byte> seed, byte type = NoteKey.Ed25519Type)
    {
        if (seed.Length != Ed25519.SeedSize)
            throw new FormatException($"an Ed25519 seed has {Ed25519.SeedSize} bytes, not {seed.Length}");
        _seed = seed.ToArray();
        Key = NoteKey.Create(name, type, Ed25519.PublicKey(seed));
    }

    /// <summary>The verifier key others check this signer's signatures with.</summary>
    public NoteKey Key { get; }

    /// <summary>Parses golang.org/x/mod/sumdb/note's private key encoding, <c>PRIVATE+KEY+name+hash+base64(type ‖ seed)</c>.</summary>
    /// <exception cref="FormatException">The text is not such a key, or its hash does not match.</exception>
    public static NoteSigner ParsePrivateKey(string text)
    {
        // Never echo the text: it is a secret.
        const string Shape = "a private note key is PRIVATE+KEY+<name>+<8 hex digits>+<base64 of a type byte and a 32-byte seed>";
        if (!text.StartsWith(PrivatePrefix, StringComparison.Ordinal))
            throw new FormatException(Shape);
        var parts = text[PrivatePrefix.Length..].Split('+', 3);
        if (parts.Length != 3 || parts[1].Length != 8 || !NoteBase64.TryDecode(parts[2], out var raw) || raw.Length != 1 + Ed25519.SeedSize)
            throw new FormatException(Shape);
        var signer = new NoteSigner(parts[0], raw.AsSpan(1), raw[0]);
        if (!string.Equals(parts[1], signer.Key.KeyHash.ToString("x8"), StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"the key hash of private key {parts[0]} does not match its key");
        return signer;
    }

    /// <summary>The private key in golang.org/x/mod/sumdb/note's encoding (for key files; keep it secret).</summary>
    public string ToPrivateKey() =>
        $"{PrivatePrefix}{Key.Name}+{Key.KeyHash:x8}+{Convert.ToBase64String([Key.Type, .. _seed])}";

    /// <summary>The signature line of a type-0x01 key over the note text (which ends with a newline).</summary>
    public NoteSignature Sign(string text)
    {
        if (Key.Type != NoteKey.Ed25519Type)
            throw new InvalidOperationException("a cosignature key signs with Cosign, over a checkpoint and a time");
        NoteText.Require(text);
        return new NoteSignature(Key.Name, Key.KeyHash, Ed25519.Sign(_seed, Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The C2SP tlog-cosignature (cosignature/v1) line of a type-0x04 key over a checkpoint body at <paramref name="timestamp"/> (Unix seconds).</summary>
    public NoteSignature Cosign(string checkpointBody, ulong timestamp)
    {
        if (Key.Type != NoteKey.CosignatureType)
            throw new InvalidOperationException("only a cosignature/v1 key (type 0x04) cosigns");
        NoteText.Require(checkpointBody);
        var signature = Ed25519.Sign(_seed, Cosignature.SignedMessage(checkpointBody, timestamp));
        var bytes = new byte[8 + Ed25519.SignatureSize];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, timestamp);
        signature.CopyTo(bytes, 8);
        return new NoteSignature(Key.Name, Key.KeyHash, bytes);
    }
}
