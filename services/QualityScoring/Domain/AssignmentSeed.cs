using System.Security.Cryptography;
using CommunityAI.Formats;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// The public arithmetic of assignment seeds (rule in <see cref="Contracts.AssignmentSeedCommitted"/>): a round's
/// commitment is SHA-256 of its secret, and a contribution's seed is SHA-256(secret ‖ contribution id bytes). Pure, so an
/// auditor's recomputation is this very code.
/// </summary>
public static class AssignmentSeed
{
    public static string NewSecret() => Hex.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Commitment(string secret) => Hex.Encode(SHA256.HashData(Hex.Decode(secret, 32)));

    public static byte[] For(string secret, string contributionId)
    {
        Span<byte> input = stackalloc byte[64];
        Hex.Decode(secret, 32).CopyTo(input);
        Hex.Decode(contributionId, 32).CopyTo(input[32..]);
        return SHA256.HashData(input);
    }
}
