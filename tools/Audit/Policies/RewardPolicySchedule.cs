using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Formats.Policies;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Policies;

/// <summary>
/// The reward policies the ledger published (<c>ledger/policies</c>), as the sections that recompute credits look them
/// up: the one in force in an epoch (the newest whose effectiveFromEpoch is at or below it) and the one a credit names by
/// version. One reader for every section, so they cannot disagree on which policy applied; whether each publication was
/// allowed (voted, not reaching back, a version not reused) is <see cref="PolicyReplay"/>'s finding, not theirs.
/// </summary>
internal sealed class RewardPolicySchedule
{
    public const string Stream = "ledger/policies";

    private readonly List<(long From, RewardPolicy Policy)> _published = [];
    private readonly Dictionary<string, RewardPolicy> _byName = new(StringComparer.Ordinal);

    /// <summary>Reads a RewardPolicyPublished of the ledger's policy stream; anything else, or a malformed policy, is ignored.</summary>
    public void Observe(LogEvent e)
    {
        if (e.Stream != Stream || PolicyReplay.ReadPolicy(e.Data) is not { } policy)
            return;
        _published.Add((Long(e.Data, "effectiveFromEpoch") ?? 0, policy));
        _byName.TryAdd(policy.Name, policy); // a reused version keeps its first publication
    }

    /// <summary>Whether any valid policy was published yet.</summary>
    public bool Any => _published.Count > 0;

    /// <summary>The policy in force in <paramref name="epoch"/>, or null before any applies.</summary>
    public RewardPolicy? InForce(long epoch) => _published.LastOrDefault(p => p.From <= epoch).Policy;

    /// <summary>The policy a credit names (<c>reward-{version}</c>), or null when none was published under that name.</summary>
    public RewardPolicy? Named(string name) => _byName.GetValueOrDefault(name);
}
