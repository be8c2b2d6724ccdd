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
    /// <summary>
    /// The contribution an example came from, with its submission: its position in the history (global sequence) and
    /// its contributor (EIP-55).
    /// </summary>
    public sealed record Source(string ContributionId, long SubmittedAt, string Contributor);

    /// <summary>One example of the round, and whether it came from the batch being valued.</summary>
    /// <param name="From">Its contribution's submission; null when the history holds none (the example then counts for no one).</param>
    public sealed record Example(LabelledExample Labelled, bool InBatch, Source? From);

    /// <param name="examples">Every example the round used, the batch's marked.</param>
    /// <param name="model">The round's model, trained on all of them.</param>
    /// <returns>The value, with <see cref="BatchValue.Shares"/> always set: empty when the batch has no training example counted.</returns>
    public static BatchValue Measure(IReadOnlyList<Example> examples, byte[] model, TextClassifier.Settings settings)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var salt = settings.SplitSalt ?? [];
        // Each text's side of the split, hashed once.
        var sided = examples.Select(e => (Example: e, HeldOut: HeldOutSplit.IsHeldOut(salt, e.Labelled.Text, settings.HeldOutPercent))).ToList();
        var newCount = sided.Count(e => e.Example.InBatch && !e.HeldOut);
        // Who brought the training examples does not depend on whether the gain could be measured: a reward needs both.
        var shares = Shares(sided);
        // In canonical order, so the measure does not depend on the order the round read its snapshots in.
        var evaluated = sided.Where(e => !e.Example.InBatch && e.HeldOut).Select(e => e.Example.Labelled)
            .OrderBy(e => e.Text, StringComparer.Ordinal).ThenBy(e => e.Label, StringComparer.Ordinal).ToList();
        if (newCount == 0 || evaluated.Count == 0)
            return new BatchValue(newCount, evaluated.Count, null, null, null, shares);
        var with = TextClassifier.AccuracyOn(model, settings.Seed, evaluated);
        // Held-out examples stay in (never trained on either way), so the retrained round splits exactly as the round did.
        var without = TextClassifier.Train(sided.Where(e => !e.Example.InBatch || e.HeldOut).Select(e => e.Example.Labelled), settings);
        if (without is not TextClassifier.Outcome.Trained trained)
            return new BatchValue(newCount, evaluated.Count, with, null, null, shares);
        var withoutBasisPoints = TextClassifier.AccuracyOn(trained.Model, settings.Seed, evaluated);
        return new BatchValue(newCount, evaluated.Count, with, withoutBasisPoints, with - withoutBasisPoints, shares);
    }

    /// <summary>
    /// Who brought the batch's training examples (<see cref="BatchValue.Shares"/>): each counts for the contribution that
    /// first brought its text, the earliest submission among all the round's examples of that text, in the batch or not.
    /// A copy of a text someone brought earlier pays the earlier one (or no one, when that one is not in the batch), so
    /// copying pays nothing and a text is never paid twice, nor counted twice for one contribution that repeats it.
    /// Held-out examples are never trained on, so never counted.
    /// </summary>
    private static IReadOnlyList<BatchShare> Shares(IReadOnlyList<(Example Example, bool HeldOut)> sided)
    {
        // An example with no submission is the oldest (position 0, as the round's firstContributedAt has it) and counts
        // for no one: there is no contributor to pay. Positions in the history are unique; the id only keeps a tie, were
        // there one, from depending on the order the snapshots were read in.
        var first = sided.GroupBy(e => e.Example.Labelled.Text, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => g.Select(e => e.Example).OrderBy(e => e.From?.SubmittedAt ?? 0)
                .ThenBy(e => e.From?.ContributionId.ToLowerInvariant(), StringComparer.Ordinal).First(),
            StringComparer.Ordinal);
        // Each text once: a text repeated (in one contribution or in several) teaches the model once, so it counts once.
        return sided.Where(e => e.Example.InBatch && !e.HeldOut)
            .Select(e => e.Example.Labelled.Text).Distinct(StringComparer.Ordinal)
            .Select(text => first[text])
            .Where(brought => brought.InBatch && brought.From is not null)
            .GroupBy(brought => brought.From!.ContributionId.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BatchShare(g.Key, g.First().From!.Contributor, g.Count()))
            .ToList();
    }
}
