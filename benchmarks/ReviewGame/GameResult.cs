namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>One game's outcome.</summary>
/// <param name="FallbackCases">Cases that ended on the automated score (no quorum or nobody to draw): nobody is paid for them.</param>
/// <param name="Appeals">The appeals clipped honest reviewers filed and how they were decided.</param>
/// <param name="Audits">The audit rounds the policy's draw opened and how they were decided (<see cref="AppealOutcome.InflatedAppealed"/>: inflated cases audited).</param>
public sealed record GameResult(GameSettings Settings, IReadOnlyList<StrategyOutcome> Validators, IReadOnlyList<ContributorOutcome> Contributors,
    GrindingOutcome Grinding, int Cases, int FallbackCases, AppealOutcome Appeals, AppealOutcome Audits)
{
    public StrategyOutcome Of(Strategy strategy) => Validators.Single(v => v.Strategy == strategy);

    public ContributorOutcome Contributor(string group) => Contributors.Single(c => c.Group == group);
}
