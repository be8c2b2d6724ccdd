using System.Buffers.Binary;
using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Deterministic reputation-weighted choice of reviewers (see <see cref="ReviewersAssigned"/> for the rule). The same
/// contribution id and validator set always give the same reviewers, the contributor is never one of them, and a
/// validator with twice the reputation is about twice as likely to be chosen.
/// </summary>
public static class ReviewerSelection
{
    public static IReadOnlyList<AssignedReviewer> Select(
        string contributionId, string contributor, IEnumerable<AssignedReviewer> validators, int count)
    {
        var id = Hex.Decode(contributionId, 32);
        return validators
            .Where(v => !string.Equals(v.Validator, contributor, StringComparison.OrdinalIgnoreCase) && v.Reputation > 0)
            .Select(v => (Reviewer: v, Key: Key(id, v)))
            .OrderByDescending(x => x.Key).ThenBy(x => x.Reviewer.Validator, StringComparer.OrdinalIgnoreCase)
            .Take(count)
            .Select(x => x.Reviewer)
            .ToList();
    }

    private static double Key(byte[] contributionId, AssignedReviewer validator)
    {
        Span<byte> input = stackalloc byte[32 + 20];
        contributionId.CopyTo(input);
        Hex.Decode(validator.Validator, 20).CopyTo(input[32..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var u = (BinaryPrimitives.ReadUInt64BigEndian(hash) + 0.5) / 18446744073709551616.0;
        return Math.Log(u) / (double)validator.Reputation;
    }
}
