namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>The game's parameters; every run with the same settings gives the same table.</summary>
/// <param name="Seed">Seeds every random choice: qualities, noise, round secrets.</param>
/// <param name="Epochs">Pay epochs played.</param>
/// <param name="ContributionsPerEpoch">Contributions in each epoch.</param>
/// <param name="ContributionsPerRound">Contributions recorded in one assignment seed round.</param>
/// <param name="HonestValidators">Honest validators (each with its own noise, 4–10 points).</param>
/// <param name="SybilValidators">Validators the Sybil contributor controls.</param>
/// <param name="PerDishonestStrategy">Validators playing each of the other dishonest strategies (colluders come in pairs).</param>
/// <param name="SybilShare">Share of the contributions the Sybil submits (junk, true quality 0–20).</param>
/// <param name="ColluderShare">Share submitted by the colluding pair (true quality 30–95, like honest work).</param>
/// <param name="GrindAttempts">Nonces the Sybil tries for each contribution before signing.</param>
/// <param name="AutomatedScore">The automated score of every contribution: the checks see format, not quality.</param>
/// <param name="ValidatorShareBasisPoints">The reward policy's validator share.</param>
/// <param name="MaxReviewsPerValidatorPerEpoch">The cap on assignments per validator per epoch; 0 for none.</param>
/// <param name="RemovalAfterFloorRounds">Consecutive rounds at the reputation floor before removal.</param>
/// <param name="ReviewersPerContribution">The scoring policy's reviewers per contribution (its default is 3).</param>
/// <param name="Quorum">The scoring policy's quorum (its default is 2).</param>
/// <param name="Appeals">Whether honest validators whose review the consensus clipped appeal it.</param>
/// <param name="AppealReviewers">The appeal panel's size (<c>Scoring:AppealReviewers</c>, default 5).</param>
/// <param name="AuditBasisPoints">The scoring policy's audit share (<c>auditBasisPoints</c>): consensus-scored cases drawn for an audit round.</param>
/// <param name="LeanAuditPoints">The scoring policy's <c>leanAuditPoints</c>: a case is audited whatever the draw when one of its reviewers leans toward or against its contributor by this many points on average (<c>LeanAudit</c>); 0 for none.</param>
/// <param name="ColluderInflation">How far above what it sees a colluder scores its partner's work; null for just inside the clipping distance (the most the clip lets through).</param>
/// <param name="SlashBasisPoints">The reward policy's slash (<c>slashBasisPoints</c>, of the case's validator pool) for a first-round review an audit or a reviewer's appeal overturns.</param>
public sealed record GameSettings(
    int Seed = 17,
    int Epochs = 4,
    int ContributionsPerEpoch = 150,
    int ContributionsPerRound = 25,
    int HonestValidators = 20,
    int SybilValidators = 10,
    int PerDishonestStrategy = 2,
    double SybilShare = 0.15,
    double ColluderShare = 0.10,
    int GrindAttempts = 64,
    int AutomatedScore = 80,
    int ValidatorShareBasisPoints = 1_000,
    int MaxReviewsPerValidatorPerEpoch = 0,
    int RemovalAfterFloorRounds = 10,
    int ReviewersPerContribution = 3,
    int Quorum = 2,
    bool Appeals = true,
    int AppealReviewers = 5,
    int AuditBasisPoints = CommunityAI.Formats.Policies.ScoringPolicyDraft.DefaultAuditBasisPoints,
    int SlashBasisPoints = CommunityAI.Formats.Policies.RewardPolicy.DefaultSlashBasisPoints,
    int LeanAuditPoints = CommunityAI.Formats.Policies.ScoringPolicyDraft.DefaultLeanAuditPoints,
    int? ColluderInflation = null);
