using CommunityAI.ServiceDefaults.Signing;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Signatures are bound to the HistoryAnchor's address, and on the development chain the AppHost passes that address
/// before the bridge has deployed anything. It can, because anvil's account 0 deploying on a fresh chain always puts the
/// anchor at the same address; this fails the day the deployment order changes, before a developer's signatures do.
/// </summary>
public class DevelopmentAnchorAddressTests(DeployedChain chain) : IClassFixture<DeployedChain>
{
    [Fact]
    public void The_development_anchor_is_where_the_configured_verifying_contract_says()
    {
        Assert.Equal(SigningChainOptions.DevelopmentVerifyingContract, chain.Contracts.AnchorAddress);
    }
}
