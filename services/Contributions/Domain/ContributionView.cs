namespace CommunityAI.Contributions.Domain;

/// <summary>
/// What a contributor sees of a contribution: a projection of the history (<see cref="ContributionViewProjection"/>),
/// rebuilt from zero to the same rows.
/// </summary>
public sealed record ContributionView
{
    public required string Id { get; init; }
    public required string Contributor { get; init; }
    public required string Kind { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public string Status { get; init; } = ContributionStatus.Submitted;
    public int? Score { get; init; }
    public string? Reward { get; init; }
    public long? Epoch { get; init; }
    /// <summary>
    /// Index of the contribution's event in the verifiable log: its position in the history (RFC 9162 log indexes are
    /// dense over the history in store order). Null only between intake and the projector's first sight of the event.
    /// </summary>
    public long? LogIndex { get; init; }
    /// <summary>Why the score is what it is, once scored (from <see cref="Contracts.ContributionScored"/> and <see cref="Contracts.ContributionRewarded"/>).</summary>
    public ScoreExplanation? Explanation { get; init; }
    /// <summary>
    /// Set once a passed <c>contribution-invalidation</c> proposal came into force for this contribution: which proposal, why,
    /// and the ledger's reversal of its reward (<see cref="Contracts.RewardAdjusted"/>) once recorded.
    /// </summary>
    public ContributionInvalidation? Invalidation { get; init; }

    /// <summary>Set once the contributor appealed the score (<see cref="Contracts.AppealFiled"/>), and its decision once made.</summary>
    public ContributionAppeal? Appeal { get; init; }

    /// <summary>
    /// A contributed model's gain credit (<see cref="Contracts.ModelGainRewarded"/>) once recorded, and its reversal
    /// (<see cref="Contracts.ModelGainReversed"/>) if the contribution was invalidated; null for every other contribution.
    /// </summary>
    public ContributionGain? Gain { get; init; }

    /// <summary>
    /// A <c>data</c> or <c>feedback</c> contribution's data-value credit (<see cref="Contracts.DataValueRewarded"/>): its share of
    /// what its batch measurably added to the model, once recorded, and its reversal (<see cref="Contracts.DataValueReversed"/>)
    /// if the contribution was invalidated; null for every other contribution.
    /// </summary>
    public ContributionGain? DataValue { get; init; }
}

/// <summary>
/// What a contribution earned for a measured gain (a contributed model's over the champion, or the value of the batch of
/// data it was new in), and what an invalidation took back.
/// </summary>
/// <param name="GainBasisPoints">The accuracy gained on the private split, basis points: the model's over the champion, or the batch's.</param>
/// <param name="Amount">What was credited for it, token base units (on top of <see cref="ContributionView.Reward"/>).</param>
/// <param name="Epoch">The reward epoch credited.</param>
/// <param name="PolicyVersion">The reward policy that priced it.</param>
/// <param name="Reversal">Minus the amount, once an invalidation took it back (e.g. "-7500"); null otherwise.</param>
/// <param name="ReversalEpoch">The reward epoch the debit takes effect in.</param>
/// <param name="ReversalProposalId">The invalidating proposal the reversal names.</param>
/// <param name="Batch">For a data value: <c>data</c> or <c>feedback</c>, the batch whose gain it shares; null for a model's gain.</param>
/// <param name="Examples">For a data value: the training examples counted for the contribution, its share of the batch's.</param>
/// <param name="BatchExamples">For a data value: the examples of every share of the batch together.</param>
public sealed record ContributionGain(
    int GainBasisPoints, string Amount, long Epoch, string PolicyVersion, string? Reversal = null, long? ReversalEpoch = null, string? ReversalProposalId = null,
    string? Batch = null, int? Examples = null, int? BatchExamples = null)
{
    /// <summary>The credit as an invalidation left it: taken back by <paramref name="amount"/> (minus the credit) in <paramref name="epoch"/>.</summary>
    public ContributionGain TakenBack(string amount, long epoch, string proposalId) =>
        this with { Reversal = amount, ReversalEpoch = epoch, ReversalProposalId = proposalId };
}

/// <summary>The contributor's appeal of the score, and what its second round decided.</summary>
/// <param name="AppealId">The appeal, 0x-hex (the signed Appeal's EIP-712 digest).</param>
/// <param name="Reason">The appellant's reason.</param>
/// <param name="FiledAt">When the appeal was accepted.</param>
/// <param name="FirstScore">The score appealed.</param>
/// <param name="Outcome"><c>changed</c>, <c>upheld</c> or <c>no-quorum</c> once decided; null while the second round runs.</param>
/// <param name="FinalScore">The score from the decision on (also <see cref="ContributionView.Score"/>); null while the second round runs.</param>
/// <param name="DecidedAt">When the second round decided.</param>
/// <param name="RewardAdjustment">
/// What the appeal changed in the contributor's reward, signed token base units ("3100", "-1500", "0"; <see cref="Contracts.AppealSettled.ContributorDelta"/>),
/// once the ledger settled it; <see cref="ContributionView.Reward"/> stays the first credit.
/// </param>
/// <param name="SettlementEpoch">The reward epoch the adjustment takes effect in.</param>
/// <param name="Role">
/// Who asked for the second round (<see cref="Contracts.AppealFiled.AppellantRole"/>): <c>contributor</c>, a first-round
/// <c>reviewer</c>, or <c>audit</c> when the scoring policy's random audit drew the case; null for appeals recorded before it.
/// </param>
/// <param name="Slashes">
/// The first-round reviewers the settlement slashed because the second round overturned their reviews, and what each lost
/// (<see cref="Contracts.AppealSettled.Slashes"/>): where a validator sees why its account went down. Null until settled.
/// </param>
public sealed record ContributionAppeal(
    string AppealId, string Reason, DateTimeOffset FiledAt, int FirstScore, string? Outcome = null, int? FinalScore = null, DateTimeOffset? DecidedAt = null,
    string? RewardAdjustment = null, long? SettlementEpoch = null, string? Role = null, IReadOnlyList<Contracts.ValidatorSlash>? Slashes = null);

/// <summary>A contribution invalidated by governance, and its reward's reversal.</summary>
/// <param name="ProposalId">The passed proposal, 0x-hex.</param>
/// <param name="Reason">The reason its payload gives.</param>
/// <param name="InvalidatedAt">When the proposal came into force.</param>
/// <param name="RewardAdjustment">Minus the reward taken back, token base units (e.g. "-5000"); null until the ledger records it, or when nothing was credited.</param>
/// <param name="AdjustmentEpoch">The reward epoch the debit takes effect in.</param>
public sealed record ContributionInvalidation(
    string ProposalId, string Reason, DateTimeOffset InvalidatedAt, string? RewardAdjustment = null, long? AdjustmentEpoch = null);

/// <summary>
/// Governance's <see cref="Contracts.PolicyActivated"/> of a <c>contribution-invalidation</c> proposal, as the projection reads
/// it: the payload's contribution (lower case, as views are keyed) and reason.
/// </summary>
public sealed record ContributionInvalidated(string ContributionId, string Reason, string ProposalId, DateTimeOffset ActivatedAt)
{
    public const string Kind = "contribution-invalidation";

    /// <summary>The invalidation an activation carries, or null for another kind or a payload that does not read as one.</summary>
    public static ContributionInvalidated? From(Contracts.PolicyActivated activation)
    {
        if (activation.Kind != Kind)
            return null;
        try
        {
            using var payload = System.Text.Json.JsonDocument.Parse(activation.Payload);
            var root = payload.RootElement;
            return root.ValueKind == System.Text.Json.JsonValueKind.Object
                && root.TryGetProperty("contributionId", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
                && root.TryGetProperty("reason", out var reason) && reason.ValueKind == System.Text.Json.JsonValueKind.String
                ? new ContributionInvalidated(id.GetString()!.ToLowerInvariant(), reason.GetString()!, activation.ProposalId, activation.ActivatedAt)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // governance refuses such a payload when proposed; nothing to show
        }
    }
}

/// <summary>
/// How a contribution's score and reward were made, as the history records them: the score's components and flags
/// (duplicate of which contribution, near duplicate of which and how similar), whether the policy's fallback decided,
/// the validators' reviews (public only once the case closed) and the policy versions applied.
/// </summary>
public sealed record ScoreExplanation(
    Contracts.ScoreComponents? Components,
    string? Fallback,
    IReadOnlyList<Contracts.ScoredReview> Reviews,
    string ScoringPolicyVersion,
    string? RewardPolicyVersion = null);

public static class ContributionStatus
{
    public const string Submitted = "submitted";
    public const string Scored = "scored";
    public const string Rewarded = "rewarded";
    public const string Anchored = "anchored";
}
