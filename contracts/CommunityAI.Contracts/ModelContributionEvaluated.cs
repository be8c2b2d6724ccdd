namespace CommunityAI.Contracts;

/// <summary>
/// How a <c>model</c> contribution (an ONNX file, contract "community-model-onnx/1") measured in the sandboxed
/// evaluator on a period's private split, against the champion measured in the same round, or why it was refused.
/// Recorded once per contribution (stream <c>model/contributions/{contributionId}</c>).
/// </summary>
/// <remarks>
/// The evaluated examples are the period's held-out examples whose text was first contributed after the model was
/// submitted (so it cannot have been trained on them) and, for a champion trained here, whose text the champion was not
/// trained on. The model becomes champion only on a real gain: more examples right than the champion, with McNemar's
/// exact one-sided test on the examples exactly one of the two got right below 5%.
/// </remarks>
/// <param name="Period">The <see cref="EvaluationSplitCommitted"/> period whose salt made the split.</param>
/// <param name="ContributionId">The <c>model</c> contribution.</param>
/// <param name="Contributor">Its contributor (EIP-55).</param>
/// <param name="ModelHash">SHA-256 of the ONNX file (the contribution's content after its salt line).</param>
/// <param name="ModelSnapshotRoot">The snapshot of <c>model</c> contributions it was exported from.</param>
/// <param name="SnapshotRoot">The data snapshot whose held-out examples it was evaluated on.</param>
/// <param name="FeedbackSnapshotRoot">The feedback snapshot of the same round, or null.</param>
/// <param name="Contract">The input and output contract it was run under.</param>
/// <param name="EvaluatorVersion">The evaluator's and ONNX Runtime's versions.</param>
/// <param name="Refusal">Why it was refused (no metrics then), or null when it was evaluated.</param>
/// <param name="ComparedCount">Examples both it and the champion were measured on.</param>
/// <param name="AccuracyBasisPoints">Its micro accuracy on them (0–10000).</param>
/// <param name="ChampionModelHash">The champion it was measured against, or null when there was none.</param>
/// <param name="ChampionAccuracyBasisPoints">The champion's micro accuracy on the same examples, or null when there was none.</param>
/// <param name="GainBasisPoints">Its accuracy minus the champion's (its own when there was none); 0 when refused.</param>
/// <param name="OnlyModelRight">Examples it got right and the champion wrong.</param>
/// <param name="OnlyChampionRight">Examples the champion got right and it wrong.</param>
/// <param name="BecameChampion">True when it is now the model served.</param>
/// <param name="EvaluatedAt">When the round recorded it.</param>
public sealed record ModelContributionEvaluated(
    long Period,
    string ContributionId,
    string Contributor,
    string ModelHash,
    string ModelSnapshotRoot,
    string SnapshotRoot,
    string? FeedbackSnapshotRoot,
    string Contract,
    string EvaluatorVersion,
    string? Refusal,
    int ComparedCount,
    int AccuracyBasisPoints,
    string? ChampionModelHash,
    int? ChampionAccuracyBasisPoints,
    int GainBasisPoints,
    int OnlyModelRight,
    int OnlyChampionRight,
    bool BecameChampion,
    DateTimeOffset EvaluatedAt);
