using System.Security.Cryptography;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using Nethereum.Signer;

namespace CommunityAI.Formats.Tests.Signing;

/// <summary>
/// Our signing and recovery (libsecp256k1, native) against an implementation written apart from it: Nethereum's
/// BouncyCastle path, on random keys and digests. The ethers vectors pin known signatures; this covers the space
/// between them, so a wrong recovery id, a high s or a wrong point would show here.
/// </summary>
public sealed class IndependentSecp256k1Tests
{
    [Fact]
    public void Random_keys_sign_as_BouncyCastle_signs_and_recover_to_the_address_it_recovers()
    {
        for (var i = 0; i < 200; i++)
        {
            // Our key format is always 32 bytes; BouncyCastle's GetPrivateKeyAsBytes drops leading zero bytes (one key in
            // 256 starts with one), so the key is signed from the bytes it was made of.
            var secret = i == 0 ? [0, .. RandomNumberGenerator.GetBytes(31)] : RandomNumberGenerator.GetBytes(32);
            var key = new EthECKey(secret, true);
            var digest = RandomNumberGenerator.GetBytes(32);

            var ours = TypedDataSigner.SignDigest(digest, Hex.Encode(secret));
            var theirs = key.SignAndCalculateV(digest);

            Assert.Equal(Hex.Encode([.. theirs.R.PadLeft32(), .. theirs.S.PadLeft32(), .. theirs.V]), ours);
            Assert.Equal(key.GetPublicAddress(), TypedDataSigner.RecoverSigner(digest, ours));
            Assert.Equal(EthECKey.RecoverFromSignature(theirs, digest).GetPublicAddress(), TypedDataSigner.RecoverSigner(digest, ours));
        }
    }

    [Fact]
    public void A_signature_over_another_digest_recovers_someone_else()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var key = new EthECKey(secret, true);
        var digest = RandomNumberGenerator.GetBytes(32);
        var signature = TypedDataSigner.SignDigest(digest, Hex.Encode(secret));
        digest[0] ^= 1;
        Assert.NotEqual(key.GetPublicAddress(), TypedDataSigner.RecoverSigner(digest, signature));
    }
}

internal static class ByteWords
{
    /// <summary>A big-endian integer's bytes as a 32-byte word (BouncyCastle drops leading zeros).</summary>
    public static byte[] PadLeft32(this byte[] value) =>
        value.Length >= 32 ? value[^32..] : [.. new byte[32 - value.Length], .. value];
}
