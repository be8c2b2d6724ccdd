using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// Which examples are held out for evaluation: decided by the SHA-256 of the example's text, not by a random draw or
/// by contribution id, so the same text always lands on the same side (a duplicate can never be trained on and then
/// "evaluated"), an example keeps its side as the dataset grows, and anyone with the content can redo the split.
/// </summary>
public static class HeldOutSplit
{
    /// <summary>True when the text falls in the held-out <paramref name="percent"/> (first 8 hash bytes, big-endian, mod 100).</summary>
    public static bool IsHeldOut(string text, int percent)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 100) < percent;
    }
}
