using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Audit.Revenue;
using CommunityAI.Audit.Scores;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Every replay over one history, fed in one pass in log order: rewards and claim roots, scores, policies and governance,
/// assignments and sealed reviews, revenue splits, validator pay, reversals, appeals and their settlements, contributed models' gain credits, data-value credits, reputation changes, every person's signature and every contribution's licence. One place that
/// names them all, for the command and the benchmark alike; the community model's trainings run in a second pass
/// (<see cref="ModelReplayStep"/>) because they need the snapshots' content.
/// </summary>
internal sealed class HistoryReplay
{
    private readonly RewardReplay _rewards = new();
    // Also a section; the claim roots are recomputed with the policy's amount of every credit it finds priced otherwise.
    private readonly PolicyReplay _policies;
    // The report's sections, in the order they print.
    private readonly IReadOnlyList<IReplay> _replays;

    public HistoryReplay(SigningDomain domain)
    {
        _policies = new PolicyReplay(domain);
        _replays =
        [
            new ScoreReplay(domain), new AutomatedCheckReplay(), _policies, new AssignmentReplay(domain), new RevenueReplay(), new ValidatorPayReplay(),
            new AdjustmentReplay(), new AppealReplay(domain), new AppealSettlementReplay(), new ReputationReplay(), new SignatureReplay(domain),
            new GainRewardReplay(), new DataValueReplay(), new LicenceReplay(),
        ];
    }

    public void Add(LogEvent e)
    {
        _rewards.Add(e);
        foreach (var replay in _replays)
            replay.Add(e);
    }

    public ReplayResult Finish() => _rewards.Finish(_policies.PolicyAmounts) with
    {
        Sections = _replays.ToDictionary(r => r.Name, r => (object)r.Finish(), StringComparer.Ordinal),
    };
}
