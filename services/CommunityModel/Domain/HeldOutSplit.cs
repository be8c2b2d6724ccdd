using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// Which examples are held out for evaluation: decided by SHA-256(salt ‖ UTF-8 text), not by a random draw or by
/// contribution id, so within one salt the same text always lands on the same side (a duplicate can never be trained on
/// and then "evaluated"). The service draws a secret salt per evaluation period and commits to it first
/// (<see cref="EvaluationSalt"/>): without the salt nobody can tell which side a text will land on, so nobody can plant
/// data on the evaluated side. The empty salt is the old public split, SHA-256(text), which anyone can compute.
/// </summary>
public static class HeldOutSplit
{
    /// <summary>The public split: true when the text falls in the held-out <paramref name="percent"/> without a salt.</summary>
    public static bool IsHeldOut(string text, int percent) => IsHeldOut([], text, percent);

    /// <summary>True when the text falls in the held-out <paramref name="percent"/> (first 8 hash bytes, big-endian, mod 100).</summary>
    public static bool IsHeldOut(ReadOnlySpan<byte> salt, string text, int percent)
    {
        ArgumentNullException.ThrowIfNull(text);
        var textBytes = Encoding.UTF8.GetBytes(text);
        var input = new byte[salt.Length + textBytes.Length];
        salt.CopyTo(input);
        textBytes.CopyTo(input.AsSpan(salt.Length));
        var hash = SHA256.HashData(input);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 100) < percent;
    }
}
