namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The portal's system with four admitted validators (dev keys 5 to 8), three reviewers per contribution and a quorum of
/// three, so one review far from the other two is clipped; an appeal's panel is the fourth validator.
/// </summary>
public sealed class ReviewerAppealSystem : PortalSystem
{
    public static readonly int[] Validators = [5, 6, 7, 8];

    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "3",
        ["Scoring:Quorum"] = "3",
        ["Scoring:AppealReviewers"] = "1",
        ["Scoring:SeedRound"] = "00:00:01",
        // No audit rounds drawn by chance: an audited case cannot be appealed, and these pages appeal.
        ["Scoring:AuditBasisPoints"] = "0",
        ["Scoring:LeanAuditPoints"] = "0",
        ["Scoring:LeanExclusionPoints"] = "0",
        // A tenth of each case's reward goes to its reviewers, so a review a second round overturns costs its reviewer a slash.
        ["Rewards:Genesis:ValidatorShareBasisPoints"] = "1000",
        ["Scoring:GenesisValidators:0"] = AnvilNode.DevAddresses[5],
        ["Scoring:GenesisValidators:1"] = AnvilNode.DevAddresses[6],
        ["Scoring:GenesisValidators:2"] = AnvilNode.DevAddresses[7],
        ["Scoring:GenesisValidators:3"] = AnvilNode.DevAddresses[8],
    };
}
