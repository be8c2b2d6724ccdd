using System.Text;

namespace CommunityAI.Formats.Signing;

/// <summary>
/// The commitment of a sealed review: <c>keccak256(abi.encode(uint16 score, string verdict, bytes32 salt))</c>, as Solidity
/// and ethers' <c>AbiCoder</c> compute it, so a validator's wallet or a contract can recompute it.
/// </summary>
public static class ReviewCommitment
{
    /// <summary>The commitment as 0x-prefixed hex. Throws <see cref="ArgumentException"/> for a salt that is not 32 bytes.</summary>
    public static string Compute(ushort score, string verdict, string salt)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (!Hex.TryDecode(salt, out var saltBytes, 32))
            throw new ArgumentException("salt: expected 0x-prefixed hex of 32 bytes", nameof(salt));
        var text = Encoding.UTF8.GetBytes(verdict);
        var padded = (text.Length + 31) / 32 * 32;
        // Head: score, the string's offset (3 words), salt. Tail: the string's length, then its bytes padded to a word.
        var encoded = new byte[32 * 4 + padded];
        encoded[30] = (byte)(score >> 8);
        encoded[31] = (byte)score;
        encoded[63] = 0x60;
        saltBytes.CopyTo(encoded, 64);
        var length = (uint)text.Length;
        encoded[124] = (byte)(length >> 24);
        encoded[125] = (byte)(length >> 16);
        encoded[126] = (byte)(length >> 8);
        encoded[127] = (byte)length;
        text.CopyTo(encoded, 128);
        return Hex.Encode(Keccak256.Hash(encoded));
    }
}
