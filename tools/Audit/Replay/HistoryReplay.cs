using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Audit.Revenue;
using CommunityAI.Audit.Scores;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Every replay over one history, fed in one pass in log order: rewards and claim roots, scores, policies and governance,
/// assignments and sealed reviews, revenue splits, validator pay, reversals, appeals and their settlements, reputation changes and every person's signature. One place that
/// names them all, for the command and the benchmark alike; the community model's trainings run in a second pass
/// (<see cref="ModelReplayStep"/>) because they need the snapshots' content.
/// </summary>
internal sealed class HistoryReplay(SigningDomain domain)
{
    private readonly RewardReplay _rewards = new();
    private readonly ScoreReplay _scores = new(domain);
    private readonly PolicyReplay _policies = new(domain);
    private readonly AssignmentReplay _assignments = new(domain);
    private readonly RevenueReplay _revenue = new();
    private readonly ValidatorPayReplay _validators = new();
    private readonly AdjustmentReplay _adjustments = new();
    private readonly SignatureReplay _signatures = new(domain);
    private readonly AppealReplay _appeals = new(domain);
    private readonly AppealSettlementReplay _settlements = new();
    private readonly ReputationReplay _reputation = new();

    public void Add(LogEvent e)
    {
        _rewards.Add(e);
        _scores.Add(e);
        _policies.Add(e);
        _assignments.Add(e);
        _revenue.Add(e);
        _validators.Add(e);
        _adjustments.Add(e);
        _signatures.Add(e);
        _appeals.Add(e);
        _settlements.Add(e);
        _reputation.Add(e);
    }

    public ReplayResult Finish() => _rewards.Finish() with
    {
        Scores = _scores.Finish(),
        Policies = _policies.Finish(),
        Assignments = _assignments.Finish(),
        Revenue = _revenue.Finish(),
        Validators = _validators.Finish(),
        Adjustments = _adjustments.Finish(),
        Signatures = _signatures.Finish(),
        Appeals = _appeals.Finish(),
        Settlements = _settlements.Finish(),
        Reputation = _reputation.Finish(),
    };
}
