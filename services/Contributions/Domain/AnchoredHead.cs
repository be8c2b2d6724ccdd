namespace CommunityAI.Contributions.Domain;

/// <summary>
/// The largest tree size an anchored head has covered, as far as this service heard. A log index that arrives after
/// its anchor (the two notices travel on different queues) is anchored at once against it.
/// </summary>
public sealed record AnchoredHead(string Id, long TreeSize)
{
    public const string Latest = "latest";
}
