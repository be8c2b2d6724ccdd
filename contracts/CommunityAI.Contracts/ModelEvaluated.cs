namespace CommunityAI.Contracts;

/// <summary>
/// How a newly trained model measured on its period's private split, against the champion (the model served), and
/// whether it became the champion. Recorded with its <see cref="ModelTrained"/> in the same stream and transaction.
/// </summary>
/// <remarks>
/// The comparison set is the challenger's held-out examples whose text the champion was not trained on, so neither model
/// has seen any of them. The challenger becomes champion when there is no champion, or when its micro accuracy on the
/// comparison set is strictly higher than the champion's (a measured gain; a tie or an empty set keeps the champion).
/// </remarks>
/// <param name="Period">The <see cref="EvaluationSplitCommitted"/> period whose salt made the split.</param>
/// <param name="ModelHash">The challenger: its <see cref="ModelTrained.ModelHash"/>.</param>
/// <param name="SnapshotRoot">Its data snapshot root.</param>
/// <param name="FeedbackSnapshotRoot">Its feedback snapshot root, or null.</param>
/// <param name="HeldOutCount">Examples on the private held-out side.</param>
/// <param name="AccuracyBasisPoints">The challenger's micro accuracy on the private held-out side (0–10000).</param>
/// <param name="MacroAccuracyBasisPoints">Its macro accuracy there.</param>
/// <param name="ChampionModelHash">The champion before this round, or null when there was none.</param>
/// <param name="ComparedCount">Examples in the comparison set (0 when there was no champion).</param>
/// <param name="ChallengerComparedBasisPoints">The challenger's micro accuracy on the comparison set (0 when empty).</param>
/// <param name="ChampionComparedBasisPoints">The champion's micro accuracy on the comparison set, or null when there was no champion.</param>
/// <param name="BecameChampion">True when the challenger is now the model served.</param>
public sealed record ModelEvaluated(
    long Period,
    string ModelHash,
    string SnapshotRoot,
    string? FeedbackSnapshotRoot,
    int HeldOutCount,
    int AccuracyBasisPoints,
    int MacroAccuracyBasisPoints,
    string? ChampionModelHash,
    int ComparedCount,
    int ChallengerComparedBasisPoints,
    int? ChampionComparedBasisPoints,
    bool BecameChampion);
