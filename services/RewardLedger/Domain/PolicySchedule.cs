using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// The reward policies on record in the order the ledger recorded them, each in force from its epoch on. Pure: which
/// policy a credit of epoch E uses is the newest one whose <see cref="RewardPolicyPublished.EffectiveFromEpoch"/> ≤ E.
/// </summary>
public sealed record PolicySchedule(IReadOnlyList<RewardPolicyPublished> Records)
{
    public static PolicySchedule Empty { get; } = new([]);

    /// <summary>The proposals already applied, so an activation is never recorded twice.</summary>
    public IReadOnlySet<string> AppliedProposals { get; } =
        Records.Where(r => r.ProposalId is not null).Select(r => r.ProposalId!).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public long? NewestVersion => Records.Count == 0 ? null : Records.Max(r => r.Version);

    public RewardPolicy For(long epoch)
    {
        var record = Records.LastOrDefault(r => r.EffectiveFromEpoch <= epoch)
            ?? throw new InvalidOperationException($"no reward policy is in force in epoch {epoch}");
        return RewardPolicyRecord.FromEvent(record);
    }
}
