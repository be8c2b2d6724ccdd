namespace CommunityAI.Contracts;

/// <summary>
/// An assigned reviewer was replaced: it did not commit before the commit window closed (<c>absent</c>) or it was removed
/// (<c>removed</c>, recorded after its <see cref="ValidatorRemoved"/>). Recorded by quality-scoring in stream
/// <c>scoring/{contributionId}</c>; the replaced validator's commitments and reveals are refused from then on, and the
/// replacement commits until <paramref name="CommitClosesAt"/>. A removed reviewer is replaced even if it had committed,
/// as long as it had not revealed: its commitment is forfeited (the case no longer waits for it) and costs it reputation
/// at the close as any unrevealed commitment does.
/// </summary>
/// <remarks>
/// The replacement is drawn from the case's own seed (<see cref="ReviewersAssigned.Seed"/>) by the rule of
/// <see cref="ReviewersAssigned"/>: among the <paramref name="Candidates"/> (admitted, registered, not the contributor,
/// reputation above zero, never assigned to this case; the ones live within the liveness window when any are), the one
/// with the highest key. A case is reassigned in at most the configured number of rounds; after that, or with no
/// candidate left, the absent reviewer is not replaced and the case closes as before.
/// </remarks>
/// <param name="ContributionId">The contribution's id, 0x-hex.</param>
/// <param name="Replaced">The validator replaced (EIP-55).</param>
/// <param name="Replacement">The validator drawn in its place, with its reputation now (its weight in the consensus).</param>
/// <param name="Reason"><c>absent</c> or <c>removed</c>.</param>
/// <param name="Round">1 for the case's first reassignment round, and so on.</param>
/// <param name="Candidates">The validators the replacement was drawn from, with their reputations.</param>
/// <param name="CommitClosesAt">The case's new commit deadline.</param>
/// <param name="WindowClosesAt">The case's new reveal deadline.</param>
/// <param name="ReassignedAt">When the reviewer was replaced.</param>
public sealed record ReviewerReassigned(
    string ContributionId,
    string Replaced,
    AssignedReviewer Replacement,
    string Reason,
    int Round,
    IReadOnlyList<AssignedReviewer> Candidates,
    DateTimeOffset CommitClosesAt,
    DateTimeOffset WindowClosesAt,
    DateTimeOffset ReassignedAt);
