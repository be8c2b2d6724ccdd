using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CommunityAI.Formats.Notes;

/// <summary>
/// A C2SP <c>signed-note</c> verifier key, <c>&lt;name&gt;+&lt;hex key hash&gt;+&lt;base64(type ‖ public key)&gt;</c>, as
/// golang.org/x/mod/sumdb/note writes it. Type 0x01 is an Ed25519 note signature (the log's checkpoint key), 0x04 a
/// C2SP <c>tlog-cosignature</c> Ed25519 key (a witness).
/// </summary>
public sealed record NoteKey
{
    /// <summary>Signature type of Ed25519 note signatures.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>Signature type of cosignature/v1 (tlog-cosignature) Ed25519 signatures.</summary>
    public const byte CosignatureType = 0x04;

    private NoteKey(string name, byte type, byte[] publicKey)
    {
        Name = name;
        Type = type;
        PublicKey = publicKey;
        KeyHash = ComputeKeyHash(name, type, publicKey);
    }

    /// <summary>The key's name: the log's origin for a checkpoint key, the witness's name for a cosigner.</summary>
    public string Name { get; }

    /// <summary><see cref="Ed25519Type"/> or <see cref="CosignatureType"/>.</summary>
    public byte Type { get; }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The first four bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key), big-endian.</summary>
    public uint KeyHash { get; }

    /// <summary>A key of the given type for a 32-byte Ed25519 public key.</summary>
    /// <exception cref="FormatException">The name is not a valid note key name, the type is unknown or the key is not 32 bytes.</exception>
    public static NoteKey Create(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        if (!IsValidName(name))
            throw new FormatException($"key name \"{name}\" must be non-empty, without spaces or '+'");
        if (type is not (Ed25519Type or CosignatureType))
            throw new FormatException($"key type 0x{type:x2} is not Ed25519 (0x01) or cosignature/v1 (0x04)");
        if (publicKey.Length != Ed25519.PublicKeySize)
            throw new FormatException($"an Ed25519 public key has {Ed25519.PublicKeySize} bytes, not {publicKey.Length}");
        return new NoteKey(name, type, publicKey.ToArray());
    }

    /// <summary>Parses an encoded verifier key, checking its key hash.</summary>
    public static bool TryParse(string? text, out NoteKey key, out string error)
    {
        key = null!;
        var parts = (text ?? "").Split('+', 3);
        if (parts.Length != 3 || parts[1].Length != 8 || !IsValidName(parts[0])
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash))
        {
            error = "a verifier key is <name>+<8 hex digits>+<base64 key>";
            return false;
        }
        if (!NoteBase64.TryDecode(parts[2], out var raw) || raw.Length != 1 + Ed25519.PublicKeySize)
        {
            error = $"the key of {parts[0]} must be base64 of a type byte and a {Ed25519.PublicKeySize}-byte Ed25519 key";
            return false;
        }
        if (raw[0] is not (Ed25519Type or CosignatureType))
        {
            error = $"key type 0x{raw[0]:x2} of {parts[0]} is not Ed25519 (0x01) or cosignature/v1 (0x04)";
            return false;
        }
        var parsed = new NoteKey(parts[0], raw[0], raw[1..]);
        if (parsed.KeyHash != hash)
        {
            error = $"key hash {parts[1]} of {parts[0]} does not match its key ({parsed.KeyHash:x8})";
            return false;
        }
        key = parsed;
        error = "";
        return true;
    }

    /// <summary>Parses an encoded verifier key.</summary>
    /// <exception cref="FormatException">The text is not a valid verifier key.</exception>
    public static NoteKey Parse(string text) =>
        TryParse(text, out var key, out var error) ? key : throw new FormatException(error);

    /// <summary>The first four bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key), big-endian.</summary>
    public static uint ComputeKeyHash(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = (byte)'\n';
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>Non-empty, valid UTF-8, no Unicode space and no '+', as signed-note requires.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && !name.Contains('+') && !name.Any(char.IsWhiteSpace) && !name.Any(char.IsSurrogate);

    /// <summary>The encoded verifier key, <c>name+hash+base64(type ‖ key)</c>.</summary>
    public override string ToString() =>
        $"{Name}+{KeyHash:x8}+{Convert.ToBase64String([Type, .. PublicKey])}";
}
