using System.Numerics;
using Nethereum.ABI.EIP712;
using NBitcoin.Secp256k1;
using Nethereum.Signer;

namespace CommunityAI.Formats.Signing;

/// <summary>
/// Digests, signs and verifies CommunityAI's EIP-712 typed data (see <see cref="TypedDataSchema"/>).
/// Encoding is Nethereum's EIP-712 encoder; signatures are 65-byte r‖s‖v hex with v = 27 or 28, the form
/// ethers.js <c>signTypedData</c> and MetaMask's <c>eth_signTypedData_v4</c> produce.
/// </summary>
public static class TypedDataSigner
{
    // secp256k1 group order; signatures with s above n/2 are the malleable twin of a low-s one (EIP-2).
    private static readonly BigInteger CurveOrder =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger HalfCurveOrder = CurveOrder / 2;

    /// <summary>
    /// The EIP-712 digest of a contribution; as 0x-hex (<see cref="Hex.Encode"/>) it is the contribution id.
    /// Throws <see cref="ArgumentException"/> for a payload that cannot be encoded.
    /// </summary>
    public static byte[] Digest(ContributionPayload payload, ulong chainId)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var contributor = ParseAddress(payload.Contributor, nameof(payload.Contributor));
        var contentHash = ParseBytes32(payload.ContentHash, nameof(payload.ContentHash));
        RequireWellFormed(payload.Kind, nameof(payload.Kind));
        RequireWellFormed(payload.ContentUri, nameof(payload.ContentUri));
        return Hash(TypedDataSchema.For(payload, contributor, contentHash, chainId));
    }

    /// <summary>
    /// The EIP-712 digest of a review. Throws <see cref="ArgumentException"/> for a payload that cannot be encoded.
    /// </summary>
    public static byte[] Digest(ReviewPayload payload, ulong chainId)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var validator = ParseAddress(payload.Validator, nameof(payload.Validator));
        var contributionId = ParseBytes32(payload.ContributionId, nameof(payload.ContributionId));
        RequireWellFormed(payload.Verdict, nameof(payload.Verdict));
        return Hash(TypedDataSchema.For(payload, validator, contributionId, chainId));
    }

    /// <summary>Signs a contribution with a 0x-hex secp256k1 private key; returns 0x-hex r‖s‖v (65 bytes).</summary>
    public static string Sign(ContributionPayload payload, ulong chainId, string privateKeyHex) =>
        SignDigest(Digest(payload, chainId), privateKeyHex);

    /// <summary>Signs a review with a 0x-hex secp256k1 private key; returns 0x-hex r‖s‖v (65 bytes).</summary>
    public static string Sign(ReviewPayload payload, ulong chainId, string privateKeyHex) =>
        SignDigest(Digest(payload, chainId), privateKeyHex);

    /// <summary>
    /// The EIP-55 address that signed the contribution, or null when the signature is unusable
    /// (see <see cref="RecoverSigner(byte[], string?)"/>). Throws <see cref="ArgumentException"/> for a bad payload.
    /// </summary>
    public static string? RecoverSigner(ContributionPayload payload, ulong chainId, string? signatureHex) =>
        RecoverSigner(Digest(payload, chainId), signatureHex);

    /// <summary>
    /// The EIP-55 address that signed the review, or null when the signature is unusable
    /// (see <see cref="RecoverSigner(byte[], string?)"/>). Throws <see cref="ArgumentException"/> for a bad payload.
    /// </summary>
    public static string? RecoverSigner(ReviewPayload payload, ulong chainId, string? signatureHex) =>
        RecoverSigner(Digest(payload, chainId), signatureHex);

    /// <summary>
    /// Signs a 32-byte digest; returns 0x-hex r‖s‖v with low s (RFC 6979 deterministic nonce, so the
    /// same key and digest always give the same signature, as with ethers.js).
    /// </summary>
    public static string SignDigest(byte[] digest, string privateKeyHex)
    {
        ArgumentNullException.ThrowIfNull(digest);
        if (digest.Length != 32)
            throw new ArgumentException("a digest is 32 bytes", nameof(digest));
        if (!Hex.TryDecode(privateKeyHex, out var keyBytes, 32))
            throw new ArgumentException("a private key is 0x-prefixed hex of 32 bytes", nameof(privateKeyHex));
        var scalar = new BigInteger(keyBytes, isUnsigned: true, isBigEndian: true);
        if (scalar.IsZero || scalar >= CurveOrder)
            throw new ArgumentException("the private key is outside the secp256k1 range", nameof(privateKeyHex));

        var signature = new EthECKey(keyBytes, true).SignAndCalculateV(digest);
        var bytes = new byte[65];
        CopyRightAligned(signature.R, bytes.AsSpan(0, 32));
        CopyRightAligned(signature.S, bytes.AsSpan(32, 32));
        bytes[64] = signature.V[^1];
        return Hex.Encode(bytes);
    }

    /// <summary>
    /// Recovers the EIP-55 address that signed <paramref name="digest"/>, or returns null when the signature
    /// is unusable: not 0x-hex of 65 bytes, r or s zero or not below the curve order, s in the upper half of
    /// the order (the malleable twin of a valid signature), or v other than 27, 28, 0 or 1.
    /// </summary>
    public static string? RecoverSigner(byte[] digest, string? signatureHex)
    {
        ArgumentNullException.ThrowIfNull(digest);
        if (digest.Length != 32)
            throw new ArgumentException("a digest is 32 bytes", nameof(digest));
        if (!Hex.TryDecode(signatureHex, out var bytes, 65))
            return null;
        var recoveryId = bytes[64] switch { 27 or 0 => 0, 28 or 1 => 1, _ => -1 };
        if (recoveryId < 0)
            return null;
        var r = new BigInteger(bytes.AsSpan(0, 32), isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(bytes.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        if (r.IsZero || r >= CurveOrder || s.IsZero || s > HalfCurveOrder)
            return null;

        // Recovery with NBitcoin.Secp256k1 (a port of Bitcoin Core's libsecp256k1, already under Nethereum.Signer):
        // about ten times faster than Nethereum's BouncyCastle path, and intake recovers one key per submission.
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(bytes.AsSpan(0, 64), recoveryId, out var signature)
            || !ECPubKey.TryRecover(Context.Instance, signature, digest, out var key))
            return null; // r is not the x-coordinate of a curve point: an unusable signature, not a fault of ours
        Span<byte> uncompressed = stackalloc byte[65];
        key.WriteToSpan(compressed: false, uncompressed, out _);
        return Address.Format(Keccak256.Hash(uncompressed[1..]).AsSpan(12));
    }

    private static byte[] Hash(TypedDataRaw typedData) =>
        Keccak256.Hash(Eip712TypedDataEncoder.Current.EncodeTypedDataRaw(typedData));

    private static string ParseAddress(string value, string field)
    {
        Span<byte> bytes = stackalloc byte[Address.Size];
        return Address.TryDecode(value, bytes) is { } error
            ? throw new ArgumentException($"{field}: {error}", field)
            : Address.Format(bytes);
    }

    private static byte[] ParseBytes32(string value, string field) =>
        Hex.TryDecode(value, out var bytes, 32)
            ? bytes
            : throw new ArgumentException($"{field}: expected 0x-prefixed hex of 32 bytes", field);

    // A lone surrogate has no UTF-8 form: .NET would silently hash U+FFFD while ethers.js refuses to sign,
    // so the same string could never verify. Reject it instead.
    private static void RequireWellFormed(string value, string field)
    {
        if (value is null)
            throw new ArgumentNullException(field, $"{field} is required");
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                throw new ArgumentException($"{field}: contains an unpaired UTF-16 surrogate at index {i}", field);
        }
    }

    private static void CopyRightAligned(byte[] source, Span<byte> destination)
    {
        // R and S come from BouncyCastle's unsigned big-endian form: shorter than 32 bytes when leading bytes are zero.
        var trimmed = source.AsSpan().TrimStart((byte)0);
        destination.Clear();
        trimmed.CopyTo(destination[(destination.Length - trimmed.Length)..]);
    }
}
