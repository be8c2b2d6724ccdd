namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// One batch of a master-key rotation's rewrap: how many rows it selected, and those of them whose data key did not
/// unwrap (altered, bound elsewhere, or under a master key no longer configured), left exactly as they were.
/// </summary>
public sealed record RewrapBatch(int Selected, IReadOnlyList<RewrapBatch.Unwrappable> Skipped)
{
    public int Moved => Selected - Skipped.Count;

    /// <summary>A row left under its retired master key, by id, with why its data key did not unwrap.</summary>
    public sealed record Unwrappable(string Id, string MasterKeyId, string Reason);
}
