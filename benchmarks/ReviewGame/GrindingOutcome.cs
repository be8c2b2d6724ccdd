namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>How often the Sybil held a majority of its own contribution's reviewers.</summary>
/// <param name="Contributions">The Sybil's contributions.</param>
/// <param name="Achieved">Share with a majority of its own reviewers, after grinding nonces against the last revealed round.</param>
/// <param name="Chance">Share a nonce picked at random gets under the same seeds: the chance expectation.</param>
/// <param name="IfSeedKnown">Share grinding would reach if the seed were known when signing (drawn from the contribution id alone).</param>
public sealed record GrindingOutcome(int Contributions, decimal Achieved, decimal Chance, decimal IfSeedKnown);
