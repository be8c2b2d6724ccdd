namespace CommunityAI.Contracts;

/// <summary>
/// A validator's reputation moved after a contribution it reviewed reached consensus. Recorded by quality-scoring in
/// stream <c>scoring/validators/{address}</c>.
/// </summary>
/// <remarks>
/// agreement = round(max(0, 1 − |score − consensus| / clipDistance), 6) (1 at the consensus, 0 at or beyond the clipping distance);
/// next = max(floor, round(previous · (1 − rate) + agreement · rate, 6 decimals, half away from zero)), with the rate,
/// floor and clipping distance of the named policy.
/// </remarks>
/// <param name="Validator">The validator's EIP-55 address.</param>
/// <param name="ContributionId">The contribution whose consensus moved it.</param>
/// <param name="Previous">Reputation before (0–1).</param>
/// <param name="Next">Reputation after (0–1).</param>
/// <param name="Agreement">How close the validator's score was to the consensus (0–1).</param>
/// <param name="PolicyVersion">Scoring policy whose rate and floor were applied.</param>
/// <param name="ChangedAt">When the consensus was reached.</param>
/// <param name="Reason">
/// Null when the validator's revealed review was compared with the consensus; <c>unrevealed</c> when the validator committed
/// a review and never revealed it (agreement 0); <c>appeal</c> when a first-round review was measured against the
/// consensus of the contribution's appeal round (<see cref="AppealDecided"/>); <c>audit</c> for the same measure when that
/// second round was a random audit round (added in 1.7). Optional (added in 1.4).
/// </param>
public sealed record ReputationChanged(
    string Validator,
    string ContributionId,
    decimal Previous,
    decimal Next,
    decimal Agreement,
    string PolicyVersion,
    DateTimeOffset ChangedAt,
    string? Reason = null);
