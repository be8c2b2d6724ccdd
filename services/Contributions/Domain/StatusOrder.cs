namespace CommunityAI.Contributions.Domain;

/// <summary>The order of a contribution's statuses; a status never moves backwards.</summary>
public static class StatusOrder
{
    private static readonly string[] Order =
        [ContributionStatus.Submitted, ContributionStatus.Scored, ContributionStatus.Rewarded, ContributionStatus.Anchored];

    public static string Latest(string current, string candidate) =>
        Array.IndexOf(Order, candidate) > Array.IndexOf(Order, current) ? candidate : current;

    /// <summary>The statuses that come before <paramref name="status"/>.</summary>
    public static IReadOnlyList<string> Before(string status) => Order[..Array.IndexOf(Order, status)];
}
