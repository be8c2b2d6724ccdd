namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>What one kind of contributor earned.</summary>
/// <param name="Group">"honest", "sybil" or "colluders".</param>
/// <param name="RewardTokens">Contributor rewards, in tokens.</param>
/// <param name="HonestReviewRewardTokens">
/// What the same contributions would have earned had the group's own reviewers scored them honestly: the same case, the
/// same reviewers, through the same consensus; the difference is what the attack bought.
/// </param>
public sealed record ContributorOutcome(string Group, int Contributions, decimal MeanScore, decimal RewardTokens, decimal HonestReviewRewardTokens)
{
    public decimal RewardPerContribution => Contributions == 0 ? 0 : RewardTokens / Contributions;

    public decimal HonestReviewRewardPerContribution => Contributions == 0 ? 0 : HonestReviewRewardTokens / Contributions;
}
