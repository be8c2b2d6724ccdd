namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The portal's system with one reviewer per contribution and a quorum of one, so a single registered validator is
/// assigned every contribution and its reveal closes the case; seed rounds of a second; dev key 8 a genesis validator.
/// </summary>
public sealed class ValidatorDeskSystem : PortalSystem
{
    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "1",
        ["Scoring:Quorum"] = "1",
        ["Scoring:SeedRound"] = "00:00:01",
        // No audit rounds drawn by chance: an audited case cannot be appealed, and these pages appeal.
        ["Scoring:AuditBasisPoints"] = "0",
        ["Scoring:LeanAuditPoints"] = "0",
        ["Scoring:LeanExclusionPoints"] = "0",
        // The desk's validator (dev key 8) is admitted from the start.
        ["Scoring:GenesisValidators:0"] = AnvilNode.DevAddresses[8],
    };
}
