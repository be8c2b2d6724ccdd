namespace CommunityAI.Portal.BrowserTests;

/// <summary>The portal's system with a guardian (dev key <see cref="GuardianKey"/>) who may veto passed proposals.</summary>
public sealed class GuardianSystem : PortalSystem
{
    public const int GuardianKey = 8;

    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Governance:Guardian"] = AnvilNode.DevAddresses[GuardianKey],
    };
}
