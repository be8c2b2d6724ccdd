namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A committed round's secret (id = the round in decimal), kept in scoring's own schema and never served: it becomes
/// public only through <see cref="Contracts.AssignmentSeedRevealed"/> when its round ends, and is then deleted here.
/// </summary>
/// <param name="OpenedAt">When the round began; null while it is committed but not yet in progress.</param>
public sealed record SeedSecret(string Id, long Round, string Secret, DateTimeOffset? OpenedAt)
{
    public static string IdFor(long round) => round.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
