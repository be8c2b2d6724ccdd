namespace CommunityAI.ChainBridge.Chain;

/// <summary>Where our contracts live on which chain; stored in our schema so a restart finds them again.</summary>
public sealed record DeploymentRecord(
    string Id, long ChainId, string AnchorAddress, string TokenAddress, string DistributorAddress, ulong DeploymentBlock, string? RevenuePoolAddress = null)
{
    public const string CurrentId = "current";
}
