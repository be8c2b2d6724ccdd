namespace CommunityAI.Contributions.Domain;

/// <summary>
/// How far the contribution views follow the history, stored with the views in one transaction, so a crash never
/// applies an event twice nor skips one.
/// </summary>
/// <param name="Sequence">Every history event up to this store sequence has been applied.</param>
/// <param name="NextLogIndex">The log index the next history event gets: the number of events applied so far.</param>
/// <param name="AnchoredTreeSize">
/// The largest anchored tree size applied. Every view below it is anchored already, so the next anchor only touches
/// indexes from here to its own size.
/// </param>
public sealed record ContributionViewCheckpoint(string Id, long Sequence, long NextLogIndex, long AnchoredTreeSize)
{
    public const string Name = "contribution-views";

    public static ContributionViewCheckpoint Start => new(Name, 0, 0, 0);
}
