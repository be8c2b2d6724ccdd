namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The portal's system with two admitted validators (dev keys 8 and 9), one reviewer per contribution and a quorum of one:
/// the first round draws one of them and an appeal's second round the other, so a whole appeal runs in seconds.
/// </summary>
public sealed class AppealSystem : PortalSystem
{
    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "1",
        ["Scoring:Quorum"] = "1",
        ["Scoring:AppealReviewers"] = "1",
        ["Scoring:SeedRound"] = "00:00:01",
        // No audit rounds drawn by chance: an audited case cannot be appealed, and these pages appeal.
        ["Scoring:AuditBasisPoints"] = "0",
        ["Scoring:LeanAuditPoints"] = "0",
        ["Scoring:LeanExclusionPoints"] = "0",
        ["Scoring:GenesisValidators:0"] = AnvilNode.DevAddresses[8],
        ["Scoring:GenesisValidators:1"] = AnvilNode.DevAddresses[9],
    };
}
