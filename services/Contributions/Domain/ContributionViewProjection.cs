using CommunityAI.Contracts;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// The contribution view as a pure function of the history, in Marten's projection shape: <c>Create</c> from the
/// contribution's own event, <c>Apply</c> for each later fact, view + event → view. The status only moves forward
/// (submitted → scored → rewarded → anchored); an anchor can come before the score, so a late score keeps "anchored".
/// </summary>
public static class ContributionViewProjection
{
    /// <param name="logIndex">
    /// The event's position in the history; null at intake, which writes the view with its event before the log
    /// could know the position.
    /// </param>
    public static ContributionView Create(ContributionSubmitted submitted, long? logIndex) => new()
    {
        Id = submitted.ContributionId,
        Contributor = submitted.Contributor,
        Kind = submitted.Kind,
        SubmittedAt = submitted.SubmittedAt,
        LogIndex = logIndex,
    };

    public static ContributionView Apply(ContributionView view, ContributionScored scored) => view with
    {
        Score = scored.Score,
        Status = StatusOrder.Latest(view.Status, ContributionStatus.Scored),
        // The reward may be applied first (events of two services); keep its policy version either way.
        Explanation = new ScoreExplanation(scored.Components, scored.Fallback, scored.Reviews ?? [], scored.PolicyVersion,
            view.Explanation?.RewardPolicyVersion),
    };

    public static ContributionView Apply(ContributionView view, ContributionRewarded rewarded) => view with
    {
        Reward = rewarded.Amount,
        Epoch = rewarded.Epoch,
        Status = StatusOrder.Latest(view.Status, ContributionStatus.Rewarded),
        Explanation = (view.Explanation ?? new ScoreExplanation(null, null, [], "")) with { RewardPolicyVersion = rewarded.PolicyVersion },
    };

    /// <summary>
    /// Invalidated by a passed proposal. A second invalidation of the same contribution keeps the first: the ledger reverses
    /// a reward once, and the view names the proposal that did it.
    /// </summary>
    public static ContributionView Apply(ContributionView view, ContributionInvalidated invalidated) =>
        view.Invalidation is not null
            ? view
            : view with { Invalidation = new ContributionInvalidation(invalidated.ProposalId, invalidated.Reason, invalidated.ActivatedAt) };

    /// <summary>The ledger's reversal of the reward; it follows the invalidation it names in the history.</summary>
    public static ContributionView Apply(ContributionView view, RewardAdjusted adjusted) => view with
    {
        Invalidation = (view.Invalidation ?? new ContributionInvalidation(adjusted.ProposalId, adjusted.Reason, adjusted.AdjustedAt)) with
        {
            RewardAdjustment = adjusted.Amount,
            AdjustmentEpoch = adjusted.Epoch,
        },
    };

    /// <summary>A contributed model's gain credit, beside its quality-score reward.</summary>
    public static ContributionView Apply(ContributionView view, ModelGainRewarded rewarded) => view with
    {
        Gain = new ContributionGain(rewarded.GainBasisPoints, rewarded.Amount, rewarded.Epoch, rewarded.PolicyVersion),
    };

    /// <summary>The gain credit taken back; it follows its credit in the history (in the same transaction when invalidated before).</summary>
    public static ContributionView Apply(ContributionView view, ModelGainReversed reversed) =>
        view with { Gain = view.Gain?.TakenBack(reversed.Amount, reversed.Epoch, reversed.ProposalId) };

    /// <summary>A data or feedback contribution's share of its batch's measured value, beside its quality-score reward.</summary>
    public static ContributionView Apply(ContributionView view, DataValueRewarded rewarded) => view with
    {
        DataValue = new ContributionGain(rewarded.GainBasisPoints, rewarded.Amount, rewarded.Epoch, rewarded.PolicyVersion,
            Batch: rewarded.Batch, Examples: rewarded.Examples, BatchExamples: rewarded.BatchExamples),
    };

    /// <summary>The data-value credit taken back; it follows its credit in the history (in the same transaction when invalidated before).</summary>
    public static ContributionView Apply(ContributionView view, DataValueReversed reversed) =>
        view with { DataValue = view.DataValue?.TakenBack(reversed.Amount, reversed.Epoch, reversed.ProposalId) };

    public static ContributionView Apply(ContributionView view, AppealFiled filed) => view with
    {
        Appeal = new ContributionAppeal(filed.AppealId, filed.Reason, filed.FiledAt, filed.AppealedScore, Role: filed.AppellantRole ?? AppealFiled.Contributor),
    };

    /// <summary>The appeal's decision: the score from now on, explained by the second round's reviews (the first round's stay in the history).</summary>
    public static ContributionView Apply(ContributionView view, AppealDecided decided) => view with
    {
        Score = decided.FinalScore,
        Appeal = (view.Appeal ?? new ContributionAppeal(decided.AppealId, "", decided.DecidedAt, decided.FirstScore)) with
        {
            Outcome = decided.Outcome,
            FinalScore = decided.FinalScore,
            DecidedAt = decided.DecidedAt,
        },
        Explanation = decided.Components is null ? view.Explanation
            : (view.Explanation ?? new ScoreExplanation(null, null, [], decided.PolicyVersion)) with
            {
                Components = decided.Components,
                Fallback = null,
                Reviews = decided.Reviews,
                ScoringPolicyVersion = decided.PolicyVersion,
            },
    };

    /// <summary>
    /// The ledger's settlement of the appeal: the contributor's reward adjustment, its epoch and the reviewers slashed (it
    /// follows the decision in the history).
    /// </summary>
    public static ContributionView Apply(ContributionView view, AppealSettled settled) => view with
    {
        Appeal = (view.Appeal ?? new ContributionAppeal(settled.AppealId, "", settled.SettledAt, settled.FinalScore)) with
        {
            RewardAdjustment = settled.ContributorDelta,
            SettlementEpoch = settled.Epoch,
            Slashes = settled.Slashes ?? [],
        },
    };

    /// <summary>
    /// Anchored once a head covers the contribution's log index. A dropped anchor (<see cref="TreeHeadAnchorDropped"/>)
    /// is not applied: the bridge anchors a head at least as large next, and a status never moves backwards.
    /// </summary>
    public static ContributionView Apply(ContributionView view, TreeHeadAnchored anchored) =>
        view.LogIndex < anchored.TreeSize
            ? view with { Status = StatusOrder.Latest(view.Status, ContributionStatus.Anchored) }
            : view;
}
