using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>A validator's reputation and its recent history (id = EIP-55 address), kept with its history events.</summary>
/// <param name="LastSeenAt">When the validator last registered or committed a review: assignment prefers validators seen recently.</param>
/// <param name="AtFloor">Consecutive reputation changes that left the validator at its policy's floor (0 after any other).</param>
public sealed record ValidatorView(
    string Id,
    decimal Reputation,
    DateTimeOffset RegisteredAt,
    int ReviewsSubmitted,
    int ConsensusReached,
    IReadOnlyList<ReputationChanged> RecentChanges,
    DateTimeOffset LastSeenAt = default,
    int AtFloor = 0)
{
    /// <summary>How many reputation changes the view keeps; the whole history is in the event stream.</summary>
    public const int RecentLimit = 50;

    public static ValidatorView Create(ValidatorRegistered registered) =>
        new(registered.Validator, registered.Reputation, registered.RegisteredAt, 0, 0, [], registered.RegisteredAt);

    public ValidatorView Apply(ReviewCommitted committed) => this with { LastSeenAt = committed.CommittedAt };

    public ValidatorView Apply(ReviewSubmitted _) => this with { ReviewsSubmitted = ReviewsSubmitted + 1 };

    /// <summary>
    /// Whether the validator has stayed at its floor long enough to be removed: <paramref name="afterFloorRounds"/>
    /// consecutive changes at the floor (0 never removes).
    /// </summary>
    public bool DueForRemoval(int afterFloorRounds) => afterFloorRounds > 0 && AtFloor >= afterFloorRounds;

    /// <summary>A reputation change under a policy whose floor is <paramref name="floor"/>.</summary>
    public ValidatorView Apply(ReputationChanged changed, decimal floor) => this with
    {
        Reputation = changed.Next,
        AtFloor = changed.Next <= floor ? AtFloor + 1 : 0,
        ConsensusReached = ConsensusReached + 1,
        RecentChanges = [changed, .. RecentChanges.Take(RecentLimit - 1)],
    };
}
