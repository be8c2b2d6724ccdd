using System.Numerics;
using System.Text;

namespace CommunityAI.Formats.Signing;

/// <summary>
/// EIP-712 <c>hashStruct</c> for structs of atomic members only (address, string, bytesN, uintN), which is all our
/// types use: keccak256(typeHash ‖ enc(member₁) ‖ … ), each member one 32-byte word. Members are appended in the
/// order of the type string; the ethers.js vectors prove the two agree for every type.
/// </summary>
internal sealed class Eip712Struct
{
    private const int Word = 32;
    private readonly List<byte[]> _words = [];

    public Eip712Struct(string typeString) => _words.Add(Keccak256.Hash(Encoding.UTF8.GetBytes(typeString)));

    /// <summary>An address: 12 zero bytes then its 20 bytes. Throws naming <paramref name="field"/> when malformed.</summary>
    public Eip712Struct Address(string? value, string field = "address")
    {
        var word = new byte[Word];
        if (Signing.Address.TryDecode(value, word.AsSpan(Word - Signing.Address.Size)) is { } error)
            throw new ArgumentException($"{field}: {error}", field);
        _words.Add(word);
        return this;
    }

    /// <summary>A string: keccak256 of its UTF-8 bytes. A lone surrogate has no UTF-8 form and is refused.</summary>
    public Eip712Struct String(string? value, string field = "string")
    {
        if (value is null)
            throw new ArgumentNullException(field, $"{field} is required");
        RequireWellFormed(value, field);
        _words.Add(Keccak256.Hash(Encoding.UTF8.GetBytes(value)));
        return this;
    }

    /// <summary>A bytes32 given as 0x-prefixed hex of 32 bytes.</summary>
    public Eip712Struct Bytes32(string? hex, string field = "bytes32")
    {
        if (!Hex.TryDecode(hex, out var bytes, Word))
            throw new ArgumentException($"{field}: expected 0x-prefixed hex of 32 bytes", field);
        _words.Add(bytes);
        return this;
    }

    /// <summary>An unsigned integer, big-endian in one word (uint8 to uint256 encode alike).</summary>
    public Eip712Struct Uint(BigInteger value)
    {
        if (value.Sign < 0)
            throw new ArgumentOutOfRangeException(nameof(value), "an unsigned integer cannot be negative");
        var word = new byte[Word];
        var count = value.GetByteCount(isUnsigned: true);
        if (count > Word)
            throw new ArgumentOutOfRangeException(nameof(value), "an unsigned integer has at most 256 bits");
        value.TryWriteBytes(word.AsSpan(Word - count), out _, isUnsigned: true, isBigEndian: true);
        _words.Add(word);
        return this;
    }

    /// <summary>keccak256 of the concatenated words.</summary>
    public byte[] Hash()
    {
        var buffer = new byte[_words.Count * Word];
        for (var i = 0; i < _words.Count; i++)
            _words[i].CopyTo(buffer, i * Word);
        return Keccak256.Hash(buffer);
    }

    /// <summary>The EIP-712 digest: keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash).</summary>
    public static byte[] Digest(ReadOnlySpan<byte> domainSeparator, ReadOnlySpan<byte> structHash)
    {
        Span<byte> buffer = stackalloc byte[2 + Word + Word];
        buffer[0] = 0x19;
        buffer[1] = 0x01;
        domainSeparator.CopyTo(buffer[2..]);
        structHash.CopyTo(buffer[(2 + Word)..]);
        return Keccak256.Hash(buffer);
    }

    // .NET would silently hash U+FFFD for a lone surrogate while ethers.js refuses to sign it, so the same
    // string could never verify. Refuse it instead.
    private static void RequireWellFormed(string value, string field)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                throw new ArgumentException($"{field}: contains an unpaired UTF-16 surrogate at index {i}", field);
        }
    }
}
