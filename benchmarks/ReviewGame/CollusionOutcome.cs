namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>
/// Where the colluding pair's gain comes from: the consensus-scored cases of its partner's work one of the pair reviewed,
/// by how many reviews were revealed, each against the same case with the pair's reviewer revealing what it saw (the same
/// reviewers, reputations and pool). Later effects (reputation, exclusion, second rounds) are not in it.
/// </summary>
/// <param name="Reviews">Revealed reviews in the case.</param>
/// <param name="Cases">Cases the pair inflated with that many reviews revealed.</param>
/// <param name="Decided">Of them, those whose consensus is the inflated score itself.</param>
/// <param name="ConsensusPoints">The consensus the inflation bought, summed over the cases (score points).</param>
/// <param name="RewardGainedTokens">What it bought the partner's contributions, in tokens (first-round rewards).</param>
/// <param name="PayForgoneTokens">The agreement pay the inflating reviewer forwent on those cases, in tokens (negative: it gained pay).</param>
public sealed record CollusionOutcome(int Reviews, int Cases, int Decided, int ConsensusPoints, decimal RewardGainedTokens, decimal PayForgoneTokens)
{
    /// <summary>What the inflation netted on these cases, in tokens.</summary>
    public decimal NetTokens => RewardGainedTokens - PayForgoneTokens;
}
