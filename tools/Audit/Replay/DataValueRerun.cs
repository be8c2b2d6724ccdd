namespace CommunityAI.Audit.Replay;

/// <summary>
/// The auditor's own measure of a round's <c>DataValued</c> (README, "The community model"): the round trained again
/// without the batch's training examples, with the same salt, seed and settings, and both models measured on the
/// held-out examples not from the batch. Written from the description, on <see cref="ModelRetrainer"/>.
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
}
