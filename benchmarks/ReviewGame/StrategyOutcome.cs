namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>What the validators playing one strategy ended with.</summary>
/// <param name="Assigned">Reviews they were assigned: the unit of work.</param>
/// <param name="Revealed">Reviews they revealed.</param>
/// <param name="Clipped">Revealed reviews the consensus clipped.</param>
/// <param name="PayTokens">Validator pay, in tokens.</param>
/// <param name="MeanReputation">Mean reputation at the end (removed validators count with their last one).</param>
/// <param name="Removed">Validators removed at the reputation floor.</param>
/// <param name="Slashed">First-round reviews a second round overturned and the settlement slashed.</param>
/// <param name="StraightPayTokens">
/// What the same validators would have been paid had they revealed what they saw on the cases they bent, each case's pool
/// divided by the straight reviews' agreements (the same reviewers and reputations); later effects are not replayed
/// (reputation, exclusion, audits and slashes), and they mostly favour straight reviewing: agreement raises reputation, and an
/// inflated review is the one a panel overturns.
/// </param>
/// <param name="LowestPayPerReview">The least one validator of the strategy earned per assigned review, in tokens: what the unluckiest (for honest validators, the noisiest) came to.</param>
public sealed record StrategyOutcome(Strategy Strategy, int Validators, int Assigned, int Revealed, int Clipped, decimal PayTokens,
    decimal MeanReputation, int Removed, int Slashed, decimal LowestPayPerReview, decimal StraightPayTokens)
{
    /// <summary>Pay per assigned review, in tokens.</summary>
    public decimal PayPerReview => Assigned == 0 ? 0 : PayTokens / Assigned;
}
