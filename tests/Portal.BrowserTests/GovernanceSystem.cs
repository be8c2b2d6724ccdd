namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The portal's system where contributions scored without reviewers (nobody registers as a validator here) are still
/// paid in full, so the voters' weights are earned through the real ledger within a test.
/// </summary>
public sealed class GovernanceSystem : PortalSystem
{
    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Rewards:Genesis:FallbackShareBasisPoints"] = "10000",
    };
}
