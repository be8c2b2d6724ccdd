using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;

namespace Contributions.Tests;

public sealed class ReviewerAccessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private const string Validator = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string Other = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

    private static ReviewersAssigned Assigned(DateTimeOffset closes, params string[] validators) =>
        new("0x11", [.. validators.Select(v => new AssignedReviewer(v, 0.5m))], 3, 1, closes, "scoring-1", Now.AddMinutes(-1));

    [Fact]
    public void An_assigned_validator_reads_during_the_review_in_any_case_of_address() =>
        Assert.Null(ReviewerAccess.Refusal(Validator.ToLowerInvariant(), [Assigned(Now.AddMinutes(5), Validator)], scored: false, Now));

    [Fact]
    public void Nobody_else_reads_not_even_with_no_assignment_at_all()
    {
        Assert.Contains("only the validators assigned", ReviewerAccess.Refusal(Other, [Assigned(Now.AddMinutes(5), Validator)], false, Now));
        Assert.NotNull(ReviewerAccess.Refusal(Validator, [], false, Now));
    }

    [Fact]
    public void The_review_ends_when_its_window_closes_or_the_contribution_is_scored()
    {
        Assert.Contains("window closed", ReviewerAccess.Refusal(Validator, [Assigned(Now, Validator)], false, Now));
        Assert.Contains("scored", ReviewerAccess.Refusal(Validator, [Assigned(Now.AddMinutes(5), Validator)], true, Now));
    }

    [Fact]
    public void A_later_assignment_reopens_reading_for_its_reviewers() =>
        Assert.Null(ReviewerAccess.Refusal(Validator, [Assigned(Now.AddMinutes(-1), Other), Assigned(Now.AddMinutes(5), Validator)], false, Now));
}
