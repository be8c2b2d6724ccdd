namespace CommunityAI.Contributions.Domain;

/// <summary>Bus events can arrive in any order; a status only ever moves forward.</summary>
public static class StatusOrder
{
    private static readonly string[] Order =
        [ContributionStatus.Submitted, ContributionStatus.Scored, ContributionStatus.Rewarded, ContributionStatus.Anchored];

    public static string Latest(string current, string candidate) =>
        Array.IndexOf(Order, candidate) > Array.IndexOf(Order, current) ? candidate : current;
}
