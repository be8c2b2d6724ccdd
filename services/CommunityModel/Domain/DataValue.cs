using CommunityAI.Contracts;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// What a batch of new examples was worth to a round's model, pure: the round is trained again without the batch's
/// training examples (same split, seed and settings), and both models are measured on the held-out examples the batch
/// did not bring, so a batch cannot grade itself (mislabelled data would otherwise be "confirmed" by its own held-out
/// half). Deterministic like <see cref="TextClassifier"/>, so an auditor re-running it gets the same numbers.
/// </summary>
public static class DataValue
{
    /// <summary>One example of the round, and whether it came from the batch being valued.</summary>
    public sealed record Example(LabelledExample Labelled, bool InBatch);

    /// <param name="examples">Every example the round used, the batch's marked.</param>
    /// <param name="model">The round's model, trained on all of them.</param>
    public static BatchValue Measure(IReadOnlyList<Example> examples, byte[] model, TextClassifier.Settings settings)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var salt = settings.SplitSalt ?? [];
        // Each text's side of the split, hashed once.
        var sided = examples.Select(e => (Example: e, HeldOut: HeldOutSplit.IsHeldOut(salt, e.Labelled.Text, settings.HeldOutPercent))).ToList();
        var newCount = sided.Count(e => e.Example.InBatch && !e.HeldOut);
        // In canonical order, so the measure does not depend on the order the round read its snapshots in.
        var evaluated = sided.Where(e => !e.Example.InBatch && e.HeldOut).Select(e => e.Example.Labelled)
            .OrderBy(e => e.Text, StringComparer.Ordinal).ThenBy(e => e.Label, StringComparer.Ordinal).ToList();
        if (newCount == 0 || evaluated.Count == 0)
            return new BatchValue(newCount, evaluated.Count, null, null, null);
        var with = TextClassifier.AccuracyOn(model, settings.Seed, evaluated);
        // Held-out examples stay in (never trained on either way), so the retrained round splits exactly as the round did.
        var without = TextClassifier.Train(sided.Where(e => !e.Example.InBatch || e.HeldOut).Select(e => e.Example.Labelled), settings);
        if (without is not TextClassifier.Outcome.Trained trained)
            return new BatchValue(newCount, evaluated.Count, with, null, null);
        var withoutBasisPoints = TextClassifier.AccuracyOn(trained.Model, settings.Seed, evaluated);
        return new BatchValue(newCount, evaluated.Count, with, withoutBasisPoints, with - withoutBasisPoints);
    }
}
