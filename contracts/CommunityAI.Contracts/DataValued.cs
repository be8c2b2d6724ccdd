namespace CommunityAI.Contracts;

/// <summary>
/// What a training round's new contributions were worth to the model, measured rather than declared (added in 1.17).
/// Recorded with its <see cref="ModelTrained"/> and <see cref="ModelEvaluated"/> in the same stream and transaction.
/// The round trains once more without the new data (and once more without the new feedback), under the same secret
/// split, seed and settings, and measures both models on the held-out examples the batch did not bring, so a batch never
/// grades itself. New means a member of this round's snapshot that was not a member of the baseline's (the previous
/// round's) snapshot of the same kind.
/// </summary>
/// <param name="Period">The <see cref="EvaluationSplitCommitted"/> period whose salt made the split.</param>
/// <param name="ModelHash">The round's model (trained on everything).</param>
/// <param name="SnapshotRoot">Its data snapshot root.</param>
/// <param name="FeedbackSnapshotRoot">Its feedback snapshot root, or null.</param>
/// <param name="BaselineModelHash">The model of the round before, or null for the first round.</param>
/// <param name="BaselineSnapshotRoot">That round's data snapshot root: its members are not new.</param>
/// <param name="BaselineFeedbackSnapshotRoot">That round's feedback snapshot root, or null.</param>
/// <param name="Data">The value of the new <c>data</c> contributions.</param>
/// <param name="Feedback">The value of the new <c>feedback</c> contributions.</param>
public sealed record DataValued(
    long Period,
    string ModelHash,
    string SnapshotRoot,
    string? FeedbackSnapshotRoot,
    string? BaselineModelHash,
    string? BaselineSnapshotRoot,
    string? BaselineFeedbackSnapshotRoot,
    BatchValue Data,
    BatchValue Feedback);

/// <summary>
/// One batch's measured effect: accuracy with and without its training examples, on the same held-out examples.
/// The values are null when there is nothing to measure: no new training example, no held-out example the batch did not
/// bring, or too little left without the batch to train a model (fewer than two labels).
/// </summary>
/// <param name="NewCount">Training examples from the batch's contributions (held-out ones are never trained on).</param>
/// <param name="EvaluatedCount">Held-out examples not from the batch: what both models were measured on.</param>
/// <param name="WithBasisPoints">Micro accuracy there of the round's model, in basis points.</param>
/// <param name="WithoutBasisPoints">Micro accuracy there of the same round trained without the batch.</param>
/// <param name="GainBasisPoints">With minus without: negative when the batch made the model worse.</param>
/// <param name="Shares">
/// Who brought the batch's training examples, the measure a data-value reward is split by (<see cref="DataValueRewarded"/>);
/// null on rounds recorded before 1.18. An example counts for the contribution that first brought its text to the
/// history (the earliest submission among every contribution of the round with that text), so a copy of a text the
/// model already had earns nothing, and two contributions of one text do not both count it; a text counts once, however
/// often the batch repeats it (<see cref="BatchShare.Examples"/> counts distinct texts). Only the batch's
/// contributions with at least one example counted are listed, ordered by contribution id.
/// </param>
public sealed record BatchValue(
    int NewCount,
    int EvaluatedCount,
    int? WithBasisPoints,
    int? WithoutBasisPoints,
    int? GainBasisPoints,
    IReadOnlyList<BatchShare>? Shares = null);

/// <summary>One contribution's part of a batch (added in 1.18).</summary>
/// <param name="ContributionId">The contribution (0x-hex, lower case).</param>
/// <param name="Contributor">Its contributor (EIP-55), as its submission names it.</param>
/// <param name="Examples">The distinct texts of the batch's training examples counted for it (held-out ones are never trained on).</param>
public sealed record BatchShare(string ContributionId, string Contributor, int Examples);
