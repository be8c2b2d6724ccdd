using Rfc = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace CommunityAI.Formats.Notes;

/// <summary>Ed25519 (RFC 8032, pure) through BouncyCastle, which our Ethereum libraries already bring in.</summary>
public static class Ed25519
{
    /// <summary>Bytes in a public key.</summary>
    public const int PublicKeySize = 32;

    /// <summary>Bytes in a private key seed.</summary>
    public const int SeedSize = 32;

    /// <summary>Bytes in a signature.</summary>
    public const int SignatureSize = 64;

    /// <summary>The public key of a 32-byte seed.</summary>
    public static byte[] PublicKey(ReadOnlySpan<byte> seed)
    {
        RequireSeed(seed);
        var pub = new byte[PublicKeySize];
        Rfc.GeneratePublicKey(seed.ToArray(), 0, pub, 0);
        return pub;
    }

    /// <summary>The signature of <paramref name="message"/> by the key with seed <paramref name="seed"/>.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        RequireSeed(seed);
        var signature = new byte[SignatureSize];
        var msg = message.ToArray();
        Rfc.Sign(seed.ToArray(), 0, msg, 0, msg.Length, signature, 0);
        return signature;
    }

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
            return false;
        var msg = message.ToArray();
        return Rfc.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, msg, 0, msg.Length);
    }

    private static void RequireSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
            throw new ArgumentException($"an Ed25519 seed has {SeedSize} bytes, not {seed.Length}", nameof(seed));
    }
}
