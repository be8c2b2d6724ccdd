namespace CommunityAI.Contracts;

/// <summary>
/// A scoring policy came into force. Recorded by quality-scoring in stream <c>scoring/policies</c>; every
/// <see cref="AutomatedChecksCompleted"/>, <see cref="ReviewersAssigned"/> and <see cref="ContributionScored"/> names the
/// version it was computed under. A version is published once and never changes.
/// </summary>
/// <param name="Version">The policy's version (for example <c>scoring-1</c>).</param>
/// <param name="AutomatedWeight">Weight in percent of the automated score in the final score (the consensus has the rest).</param>
/// <param name="ReviewersPerContribution">Validators assigned per contribution (K).</param>
/// <param name="Quorum">Reviews needed for a consensus; fewer when the window closes means the fallback (the automated score).</param>
/// <param name="ReviewWindow">How long assigned validators may review.</param>
/// <param name="ClipDistance">Reviews farther than this from the weighted median get no weight (score points).</param>
/// <param name="ReputationStart">Reputation of a newly registered validator (0–1).</param>
/// <param name="ReputationFloor">Reputation never falls below this (0–1, above 0).</param>
/// <param name="ReputationRate">Exponential moving average rate toward agreement with consensus (0–1).</param>
/// <param name="NearDuplicateThreshold">Estimated Jaccard similarity at or above which a text is a near duplicate.</param>
/// <param name="ShingleLength">Characters per shingle of the normalised text (lowercase, whitespace collapsed).</param>
/// <param name="MinHashFunctions">MinHash signature length.</param>
/// <param name="LshBands">LSH bands the signature is cut into (it divides <paramref name="MinHashFunctions"/>).</param>
/// <param name="MinTextLength">Texts shorter than this (normalised) are not checked for near duplicates.</param>
/// <param name="Kinds">Size and format rules per contribution kind.</param>
/// <param name="PublishedAt">When the policy came into force.</param>
/// <param name="AuditBasisPoints">
/// Share of the cases scored by a consensus, in basis points of 10,000, that get an audit round: a second round filed by
/// quality-scoring itself (<see cref="AppealFiled"/>, role <c>audit</c>) for the cases a public draw picks. Optional (added
/// in 1.7): null in policies recorded before, which audit nothing.
/// </param>
/// <param name="LeanAuditPoints">
/// A case also gets an audit round, whatever the draw, when one of its first-round reviewers leans toward or against its
/// contributor: over that reviewer's revealed first-round reviews of the contributor's consensus-scored cases recorded
/// under a policy with this member (this case included, at least two), the mean of (its score − the consensus score) is
/// at least this many points, or at most minus this many. Score points, 0 for none. Optional (added in 1.11): null in
/// policies recorded before, which target nothing and count nothing toward a lean. A score counts toward the leans when the
/// policy it was recorded under has this member or <paramref name="LeanExclusionPoints"/> above 0 (the latter added in 1.12).
/// </param>
/// <param name="LeanExclusionPoints">
/// A validator is no longer drawn for a contributor (first rounds, <see cref="ReviewersAssigned"/>, and replacements,
/// <see cref="ReviewerReassigned"/>) once it favours that contributor: over its revealed, unclipped first-round reviews of
/// the contributor's consensus-scored cases counted toward the leans (see <paramref name="LeanAuditPoints"/>), at least two,
/// recorded before the draw, the mean of (its score − the consensus score) is at least this many points. Only a lean above
/// the consensus excludes. Score points, 0 for none. Optional (added in 1.12): null in policies recorded before, which
/// exclude nobody.
/// </param>
/// <param name="Licences">
/// The SPDX licence identifiers a contribution may carry while this policy is the newest (the contributions service refuses
/// others at intake). Null means the contributions service's configured genesis list (<c>Intake:Licences</c>), as every
/// setting a policy leaves out takes its default. Optional (added in 1.16): null in policies recorded before.
/// </param>
public sealed record ScoringPolicyPublished(
    string Version,
    int AutomatedWeight,
    int ReviewersPerContribution,
    int Quorum,
    TimeSpan ReviewWindow,
    int ClipDistance,
    decimal ReputationStart,
    decimal ReputationFloor,
    decimal ReputationRate,
    double NearDuplicateThreshold,
    int ShingleLength,
    int MinHashFunctions,
    int LshBands,
    int MinTextLength,
    IReadOnlyDictionary<string, KindRule> Kinds,
    DateTimeOffset PublishedAt,
    int? AuditBasisPoints = null,
    int? LeanAuditPoints = null,
    int? LeanExclusionPoints = null,
    IReadOnlyList<string>? Licences = null);
