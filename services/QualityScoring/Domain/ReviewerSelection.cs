using System.Buffers.Binary;
using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Reputation-weighted choice of reviewers from a seed nobody could steer (see <see cref="ReviewersAssigned"/> for the
/// rule and <see cref="AssignmentSeed"/> for the seed). The same seed and candidates always give the same reviewers,
/// the contributor is never one of them, and a validator with twice the reputation is about twice as likely to be chosen.
/// </summary>
public static class ReviewerSelection
{
    /// <summary>
    /// The validators to draw from: the eligible ones (not the contributor, reputation above zero, fewer than
    /// <paramref name="maxPerEpoch"/> assignments this epoch) seen since <paramref name="liveSince"/>, or every eligible one
    /// when fewer than <paramref name="count"/> are live, so an absent validator is not assigned while live ones can do the work.
    /// A validator at its cap is left out of the candidates, which the assignment records: the draw over them is unchanged,
    /// so an auditor recomputes the same reviewers from the recorded candidates.
    /// </summary>
    /// <param name="maxPerEpoch">Most assignments a validator takes per epoch (<see cref="ScoringOptions.MaxReviewsPerValidatorPerEpoch"/>); 0 for no cap.</param>
    public static IReadOnlyList<AssignedReviewer> Candidates(
        string contributor, IEnumerable<Validator> validators, int count, DateTimeOffset liveSince, int maxPerEpoch = 0)
    {
        var eligible = validators
            .Where(v => !string.Equals(v.Address, contributor, StringComparison.OrdinalIgnoreCase) && v.Reputation > 0)
            .Where(v => maxPerEpoch <= 0 || v.AssignedThisEpoch < maxPerEpoch)
            .OrderBy(v => v.Address, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var live = eligible.Where(v => v.LastSeenAt >= liveSince).ToList();
        return (live.Count >= count ? live : eligible).Select(v => new AssignedReviewer(v.Address, v.Reputation)).ToList();
    }

    public static IReadOnlyList<AssignedReviewer> Select(ReadOnlySpan<byte> seed, IEnumerable<AssignedReviewer> candidates, int count)
    {
        var seedBytes = seed.ToArray();
        return candidates
            .Select(v => (Reviewer: v, Key: Key(seedBytes, v)))
            .OrderByDescending(x => x.Key).ThenBy(x => x.Reviewer.Validator, StringComparer.OrdinalIgnoreCase)
            .Take(count)
            .Select(x => x.Reviewer)
            .ToList();
    }

    private static double Key(byte[] seed, AssignedReviewer validator)
    {
        Span<byte> input = stackalloc byte[32 + 20];
        seed.CopyTo(input);
        Hex.Decode(validator.Validator, 20).CopyTo(input[32..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var u = (BinaryPrimitives.ReadUInt64BigEndian(hash) + 0.5) / 18446744073709551616.0;
        return Math.Log(u) / (double)validator.Reputation;
    }

    /// <summary>A registered validator as selection sees it.</summary>
    /// <param name="AssignedThisEpoch">Cases it was drawn for in the current epoch (<see cref="ReviewLoad"/>).</param>
    public sealed record Validator(string Address, decimal Reputation, DateTimeOffset LastSeenAt, int AssignedThisEpoch = 0);
}
