namespace CommunityAI.Audit.Replay;

/// <summary>
/// The auditor's own measure of a round's <c>DataValued</c> (README, "The community model"): the round trained again
/// without the batch's training examples, with the same salt, seed and settings, and both models measured on the
/// held-out examples not from the batch; and who brought the batch's training examples (its shares). Written from the
/// description, on <see cref="ModelRetrainer"/>.
/// </summary>
internal static class DataValueRerun
{
    /// <returns>New training examples, examples measured on, accuracy with, without, and the gain (nulls as the service records them).</returns>
    public static (int New, int Evaluated, int? With, int? Without, int? Gain) Measure(IReadOnlyList<(ModelRetrainer.Example Example, bool InBatch)> examples,
        byte[] model, IReadOnlyList<string> labels, int seed, int heldOutPercent, byte[] salt)
    {
        bool HeldOut((ModelRetrainer.Example Example, bool InBatch) x) => ModelRetrainer.IsHeldOut(salt, x.Example.Text, heldOutPercent);
        var newCount = examples.Count(x => x.InBatch && !HeldOut(x));
        var evaluated = examples.Where(x => !x.InBatch && HeldOut(x)).Select(x => x.Example).ToList();
        if (newCount == 0 || evaluated.Count == 0)
            return (newCount, evaluated.Count, null, null, null);
        var with = ModelRetrainer.AccuracyOn(model, seed, evaluated);
        if (ModelRetrainer.Train(examples.Where(x => !x.InBatch || HeldOut(x)).Select(x => x.Example), labels, seed, heldOutPercent, salt) is not { } without)
            return (newCount, evaluated.Count, with, null, null);
        var withoutBasisPoints = ModelRetrainer.AccuracyOn(without.Model, seed, evaluated);
        return (newCount, evaluated.Count, with, withoutBasisPoints, with - withoutBasisPoints);
    }

    /// <summary>One share of a batch as the contract records it: contribution id (lower case), contributor, examples.</summary>
    public sealed record Share(string ContributionId, string Contributor, int Examples);

    /// <summary>
    /// A batch's shares: every distinct text among the batch's training examples (not held out) counts once, for the contribution of the round,
    /// in the batch or not, whose submission came first in the log among those with its text; only contributions of the
    /// batch with at least one example are listed, by contribution id. A contribution whose submission the log does not
    /// hold is taken as the earliest and is never listed (nobody to name).
    /// </summary>
    /// <param name="examples">Every example of the round with its contribution, the batch's marked.</param>
    /// <param name="submitted">Each contribution's submission in the log, by contribution id in any case: its place and its contributor.</param>
    public static IReadOnlyList<Share> Shares(IReadOnlyList<(ModelRetrainer.Example Example, string ContributionId, bool InBatch)> examples,
        IReadOnlyDictionary<string, (long At, string Contributor)> submitted, int heldOutPercent, byte[] salt)
    {
        long At(string id) => submitted.TryGetValue(id, out var s) ? s.At : 0;
        // Walk the round's contributions from the earliest submission on: the first to show a text is the one that brought it.
        var broughtBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var x in examples.OrderBy(x => At(x.ContributionId)).ThenBy(x => x.ContributionId.ToLowerInvariant(), StringComparer.Ordinal))
            broughtBy.TryAdd(x.Example.Text, x.ContributionId.ToLowerInvariant());
        var batch = examples.Where(x => x.InBatch).Select(x => x.ContributionId.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var x in examples)
        {
            // A text counts once, however often the batch repeats it.
            if (!x.InBatch || ModelRetrainer.IsHeldOut(salt, x.Example.Text, heldOutPercent) || !counted.Add(x.Example.Text))
                continue;
            var by = broughtBy[x.Example.Text];
            if (batch.Contains(by) && submitted.ContainsKey(by))
                counts[by] = counts.GetValueOrDefault(by) + 1;
        }
        return counts.Select(c => new Share(c.Key, submitted[c.Key].Contributor, c.Value)).ToList();
    }
}
