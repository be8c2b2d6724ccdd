namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>One game's outcome.</summary>
/// <param name="FallbackCases">Cases that ended on the automated score (no quorum or nobody to draw): nobody is paid for them.</param>
/// <param name="Appeals">The appeals clipped honest reviewers filed and how they were decided.</param>
/// <param name="Audits">The audit rounds the policy's draw opened and how they were decided (<see cref="AppealOutcome.InflatedAppealed"/>: inflated cases audited).</param>
/// <param name="Targeted">
/// The audit rounds a reviewer's lean opened on cases the draw passed over, and how they were decided; here
/// <see cref="AppealOutcome.InflatedCases"/> counts the cases a colluder inflated for its partner and
/// <see cref="AppealOutcome.InflatedAppealed"/> those of them audited for any reason (drawn or targeted).
/// </param>
/// <param name="TargetedHonestOnly">Of the targeted audit rounds, those of cases whose first round was honest validators only: what honest noise alone sets off.</param>
public sealed record GameResult(GameSettings Settings, IReadOnlyList<StrategyOutcome> Validators, IReadOnlyList<ContributorOutcome> Contributors,
    GrindingOutcome Grinding, int Cases, int FallbackCases, AppealOutcome Appeals, AppealOutcome Audits, AppealOutcome Targeted,
    int TargetedHonestOnly)
{
    /// <summary>
    /// Pairs of a validator and a contributor the lean rule (<c>leanExclusionPoints</c>) kept apart at one draw or more, by
    /// the validator's strategy; a colluder kept from its partner is the rule working, an honest one its cost.
    /// </summary>
    public IReadOnlyDictionary<Strategy, int> ExcludedPairs { get; init; } = new Dictionary<Strategy, int>();

    /// <summary>The cases the colluding pair inflated, by revealed reviews: what each kind bought and cost it.</summary>
    public IReadOnlyList<CollusionOutcome> Collusion { get; init; } = [];

    public StrategyOutcome Of(Strategy strategy) => Validators.Single(v => v.Strategy == strategy);

    public ContributorOutcome Contributor(string group) => Contributors.Single(c => c.Group == group);
}
