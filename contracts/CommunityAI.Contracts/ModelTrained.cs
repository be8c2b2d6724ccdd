namespace CommunityAI.Contracts;

/// <summary>
/// The community model was trained from a dataset snapshot (stream <c>model/{snapshotRoot}</c>, or <c>model/{snapshotRoot}/{feedbackSnapshotRoot}</c>): which data, which code,
/// which settings and seed, how well it did on its held-out split, and the hash of what came out. Training is
/// deterministic, so the same snapshot content, code version and settings give the same metrics and model hash again.
/// No content is recorded: the examples stay in the encrypted content store.
/// </summary>
/// <param name="ModelHash">SHA-256 over the model's entries (docs/model.md), 0x-prefixed hex; the model's id.</param>
/// <param name="SnapshotRoot">The <see cref="DatasetSnapshotted"/> root the examples came from, 0x-prefixed hex (32 bytes).</param>
/// <param name="FeedbackSnapshotRoot">The snapshot of scored <c>feedback</c> contributions trained on too, or null when there was none.</param>
/// <param name="Builder">The dataset builder address the model service took and exported the snapshot as, EIP-55.</param>
/// <param name="CodeVersion">The trainer's code version and the ML library's version, e.g. <c>community-model/1.0.0 ml.net/5.0.1</c>.</param>
/// <param name="Trainer">The pipeline: featurizer and trainer names.</param>
/// <param name="Labels">The labels the model chooses from, in the configured order.</param>
/// <param name="Seed">The training seed (MLContext seed).</param>
/// <param name="HeldOutPercent">Share of examples held out for evaluation: chosen by SHA-256(salt ‖ text) with the secret salt of the round's evaluation period (<see cref="ModelEvaluated"/>, <see cref="EvaluationSplitCommitted"/>); by SHA-256(text) before the salted split existed.</param>
/// <param name="MemberCount">How many contributions the two snapshots hold.</param>
/// <param name="FeedbackCount">Examples made from feedback on served predictions.</param>
/// <param name="SkippedCount">Members not used: erased, not a labelled example or feedback, a label the model does not know, or an unknown prediction.</param>
/// <param name="TrainCount">Examples trained on.</param>
/// <param name="HeldOutCount">Examples evaluated on.</param>
/// <param name="AccuracyBasisPoints">Micro accuracy on the held-out split, in basis points (0–10000).</param>
/// <param name="MacroAccuracyBasisPoints">Macro (per-label mean) accuracy on the held-out split, in basis points.</param>
/// <param name="TrainedAt">When training finished.</param>
public sealed record ModelTrained(
    string ModelHash,
    string SnapshotRoot,
    string? FeedbackSnapshotRoot,
    string Builder,
    string CodeVersion,
    string Trainer,
    IReadOnlyList<string> Labels,
    int Seed,
    int HeldOutPercent,
    int MemberCount,
    int FeedbackCount,
    int SkippedCount,
    int TrainCount,
    int HeldOutCount,
    int AccuracyBasisPoints,
    int MacroAccuracyBasisPoints,
    DateTimeOffset TrainedAt);
