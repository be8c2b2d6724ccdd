using CommunityAI.Contracts;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// A model in a round's comparisons: trained here (<see cref="Trained"/>, with the texts it was trained on) or
/// contributed (an ONNX file, with when it was submitted). Two models are compared only on held-out examples neither
/// can have seen: not trained on, for a model trained here; first contributed after its submission, for a contributed
/// one, whose training data nobody knows.
/// </summary>
/// <param name="SubmittedAt">The contributed model's submission, as a position in the history; null for a model trained here.</param>
public sealed record Contender(string ModelHash, ModelTrained? Trained, byte[] Bytes, IReadOnlySet<string> TrainTextHashes, long? SubmittedAt,
    string? ContributionId)
{
    /// <summary>True when this model cannot have seen the example, first contributed at <paramref name="firstContributedAt"/>.</summary>
    public bool Unseen(LabelledExample example, long firstContributedAt)
    {
        ArgumentNullException.ThrowIfNull(example);
        return SubmittedAt is { } at ? firstContributedAt > at : !TrainTextHashes.Contains(ChampionRule.TextHash(example.Text));
    }
}
