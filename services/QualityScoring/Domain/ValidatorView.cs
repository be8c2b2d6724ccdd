using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>A validator's reputation and its recent history (id = EIP-55 address), kept with its history events.</summary>
/// <param name="LastSeenAt">When the validator last registered or committed a review: assignment prefers validators seen recently.</param>
public sealed record ValidatorView(
    string Id,
    decimal Reputation,
    DateTimeOffset RegisteredAt,
    int ReviewsSubmitted,
    int ConsensusReached,
    IReadOnlyList<ReputationChanged> RecentChanges,
    DateTimeOffset LastSeenAt = default)
{
    /// <summary>How many reputation changes the view keeps; the whole history is in the event stream.</summary>
    public const int RecentLimit = 50;

    public static ValidatorView Create(ValidatorRegistered registered) =>
        new(registered.Validator, registered.Reputation, registered.RegisteredAt, 0, 0, [], registered.RegisteredAt);

    public ValidatorView Apply(ReviewCommitted committed) => this with { LastSeenAt = committed.CommittedAt };

    public ValidatorView Apply(ReviewSubmitted _) => this with { ReviewsSubmitted = ReviewsSubmitted + 1 };

    public ValidatorView Apply(ReputationChanged changed) => this with
    {
        Reputation = changed.Next,
        ConsensusReached = ConsensusReached + 1,
        RecentChanges = [changed, .. RecentChanges.Take(RecentLimit - 1)],
    };
}
