using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A validator's reputation and counters (id = EIP-55 address), kept with its history events. Its reputation changes are
/// in its own stream (<c>scoring/validators/{address}</c>), read from there when asked for: the view is rewritten at
/// every close the validator reviewed in, and carrying the last fifty changes made each rewrite about 12 KB.
/// </summary>
/// <param name="LastSeenAt">
/// When the validator last registered or committed a review, to the minute (<see cref="SeenPrecision"/>): assignment
/// prefers validators seen within the liveness window (days).
/// </param>
/// <param name="AtFloor">Consecutive reputation changes that left the validator at its policy's floor (0 after any other).</param>
public sealed record ValidatorView(
    string Id,
    decimal Reputation,
    DateTimeOffset RegisteredAt,
    int ReviewsSubmitted,
    int ConsensusReached,
    DateTimeOffset LastSeenAt = default,
    int AtFloor = 0)
{
    /// <summary>
    /// How stale <see cref="LastSeenAt"/> may be: a commitment within this span of the last one leaves the view as it is,
    /// so a busy validator's commitments do not each rewrite it. Liveness is measured in days.
    /// </summary>
    public static readonly TimeSpan SeenPrecision = TimeSpan.FromMinutes(1);

    public static ValidatorView Create(ValidatorRegistered registered) =>
        new(registered.Validator, registered.Reputation, registered.RegisteredAt, 0, 0, registered.RegisteredAt);

    /// <summary>Whether a commitment at <paramref name="at"/> moves <see cref="LastSeenAt"/> (and so the view needs storing).</summary>
    public bool SeenAgain(DateTimeOffset at) => at - LastSeenAt >= SeenPrecision;

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
    };
}
