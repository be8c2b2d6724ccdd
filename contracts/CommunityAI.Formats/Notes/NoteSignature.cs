using System.Buffers.Binary;

namespace CommunityAI.Formats.Notes;

/// <summary>One signature line of a note, <c>— &lt;name&gt; base64(key hash ‖ signature)</c>.</summary>
/// <param name="Name">The signer's key name.</param>
/// <param name="KeyHash">The signer's 4-byte key hash.</param>
/// <param name="Signature">The signature bytes after the key hash (for a cosignature: timestamp ‖ Ed25519 signature).</param>
public sealed record NoteSignature(string Name, uint KeyHash, byte[] Signature)
{
    /// <summary>The em dash and space every signature line starts with (U+2014).</summary>
    public const string Prefix = "\u2014 ";

    /// <summary>The line, with its newline.</summary>
    public string ToLine()
    {
        var bytes = new byte[4 + Signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyHash);
        Signature.CopyTo(bytes, 4);
        return $"{Prefix}{Name} {Convert.ToBase64String(bytes)}\n";
    }

    /// <summary>Whether this signature is by <paramref name="key"/> (name and key hash).</summary>
    public bool IsBy(NoteKey key) => Name == key.Name && KeyHash == key.KeyHash;
}
