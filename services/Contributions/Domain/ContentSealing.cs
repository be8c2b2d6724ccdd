using System.Security.Cryptography;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// AES-256-GCM as the content store uses it, for content under a data key and for data keys under a master key. A sealed
/// value is <c>nonce (12) ‖ tag (16) ‖ ciphertext</c>; the associated data binds it to where it belongs (the
/// contribution, its contributor and licence), so a row copied onto another contribution does not open. Pure.
/// </summary>
public static class ContentSealing
{
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>Bytes a sealed value adds to its plaintext.</summary>
    public const int Overhead = NonceBytes + TagBytes;

    /// <summary>A fresh random 256-bit key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedValue = new byte[Overhead + plaintext.Length];
        var nonce = sealedValue.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce); // random 96-bit nonces: each key seals very few values (one content, or one data key per rewrap)
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(Overhead), sealedValue.AsSpan(NonceBytes, TagBytes), associatedData);
        return sealedValue;
    }

    /// <exception cref="CryptographicException">The value was altered, or sealed under another key or associated data.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData)
    {
        if (sealedValue.Length < Overhead)
            throw new CryptographicException("the sealed value is shorter than its nonce and tag");
        var plaintext = new byte[sealedValue.Length - Overhead];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedValue[..NonceBytes], sealedValue[Overhead..], sealedValue.Slice(NonceBytes, TagBytes), plaintext, associatedData);
        return plaintext;
    }

    /// <summary>
    /// Opens <paramref name="sealedValue"/> into <paramref name="plaintext"/> (its length less <see cref="Overhead"/>)
    /// with a cipher built once for many values under one key; false when it does not open (altered, or sealed under
    /// another key or associated data), and <paramref name="plaintext"/> is then cleared.
    /// </summary>
    public static bool TryOpen(AesGcm aes, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(aes);
        if (sealedValue.Length < Overhead || plaintext.Length != sealedValue.Length - Overhead)
            return false;
        try
        {
            aes.Decrypt(sealedValue[..NonceBytes], sealedValue[Overhead..], sealedValue.Slice(NonceBytes, TagBytes), plaintext, associatedData);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>What a content's ciphertext is bound to: its contribution, contributor and the licence it travels under.</summary>
    public static byte[] ContentBinding(string contributionId, string contributor, string licence) =>
        System.Text.Encoding.UTF8.GetBytes($"communityai/content\n{contributionId.ToLowerInvariant()}\n{contributor.ToLowerInvariant()}\n{licence}");

    /// <summary>What a wrapped data key is bound to: its contribution and contributor.</summary>
    public static byte[] KeyBinding(string contributionId, string contributor) =>
        System.Text.Encoding.UTF8.GetBytes($"communityai/data-key\n{contributionId.ToLowerInvariant()}\n{contributor.ToLowerInvariant()}");
}
