namespace CommunityAI.Contracts;

/// <summary>
/// The second round of an appealed contribution: a fresh panel of validators, drawn and then reviewing (commit, then
/// reveal) exactly as the first round did. Recorded by quality-scoring in stream <c>scoring/{contributionId}</c> right
/// after <see cref="AppealFiled"/>.
/// </summary>
/// <remarks>
/// The draw is the rule of <see cref="ReviewersAssigned"/> with seed = SHA-256(round secret ‖ appealId bytes), the round
/// being the one in progress when the appeal was recorded (the number of <see cref="AssignmentSeedRevealed"/> before the
/// <see cref="AppealFiled"/>): its secret was committed before the appellant signed and revealed only after. The
/// candidates are the admitted validators with reputation above zero that are neither the contributor nor any validator
/// ever assigned to the contribution's first round (replacements included).
/// </remarks>
/// <param name="ContributionId">The contribution appealed, 0x-hex.</param>
/// <param name="AppealId">The appeal (<see cref="AppealFiled.AppealId"/>).</param>
/// <param name="Reviewers">The panel, with each member's reputation at the draw (its weight in the second round's consensus).</param>
/// <param name="Quorum">Reveals needed for the second round to decide: a majority of the panel.</param>
/// <param name="SeedRound">The assignment round whose secret seeded the draw.</param>
/// <param name="Seed">SHA-256(round secret ‖ appealId bytes), 0x-hex.</param>
/// <param name="Candidates">The validators drawn from, with their reputations.</param>
/// <param name="CommitClosesAt">Commitments are accepted until this instant.</param>
/// <param name="WindowClosesAt">Reveals are accepted until this instant; then the appeal is decided.</param>
/// <param name="PolicyVersion">The scoring policy of the first round, under which the appeal is decided too.</param>
/// <param name="AssignedAt">When the panel was drawn.</param>
public sealed record AppealReviewersAssigned(
    string ContributionId,
    string AppealId,
    IReadOnlyList<AssignedReviewer> Reviewers,
    int Quorum,
    long SeedRound,
    string Seed,
    IReadOnlyList<AssignedReviewer> Candidates,
    DateTimeOffset CommitClosesAt,
    DateTimeOffset WindowClosesAt,
    string PolicyVersion,
    DateTimeOffset AssignedAt);
