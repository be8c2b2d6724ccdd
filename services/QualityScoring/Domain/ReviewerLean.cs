namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// How far one reviewer's revealed first-round reviews of one contributor's cases have sat from their consensus, summed
/// (id = "{reviewer}/{contributor}", lowercase): the tally <see cref="LeanAudit"/> targets audits by. Written in the
/// transaction of each score that adds to it, under the reviewer's lock, so two closes of one reviewer never read the
/// same tally, and under the contributor's lean lock (<see cref="LeanExclusion"/>), so a draw for that contributor reads
/// it as the history stands; every number in it is public (the scores' revealed reviews), so an auditor sums the same.
/// </summary>
/// <param name="Cases">Consensus-scored first rounds of the contributor in which the reviewer revealed a review.</param>
/// <param name="Points">The sum of (its score − the consensus score) over them.</param>
public sealed record ReviewerLean(string Id, string Reviewer, string Contributor, int Cases, long Points)
{
    public static string IdFor(string reviewer, string contributor) => (reviewer + "/" + contributor).ToLowerInvariant();

    public static ReviewerLean None(string reviewer, string contributor) =>
        new(IdFor(reviewer, contributor), reviewer.ToLowerInvariant(), contributor.ToLowerInvariant(), 0, 0);

    /// <summary>The tally with one more review, <paramref name="deviation"/> points from its consensus.</summary>
    public ReviewerLean Add(int deviation) => this with { Cases = Cases + 1, Points = Points + deviation };

    /// <summary>Leaning by at least <paramref name="points"/> on average, either way, over at least <see cref="LeanAudit.MinCases"/> cases.</summary>
    public bool Leans(int points) => points > 0 && Cases >= LeanAudit.MinCases && Math.Abs(Points) >= (long)points * Cases;

    /// <summary>Above the consensus by at least <paramref name="points"/> on average over at least <see cref="LeanAudit.MinCases"/> cases.</summary>
    public bool Favours(int points) => points > 0 && Cases >= LeanAudit.MinCases && Points >= (long)points * Cases;
}
