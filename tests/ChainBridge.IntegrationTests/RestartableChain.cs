using CommunityAI.Testing;

namespace ChainBridge.IntegrationTests;

/// <summary>An anvil that keeps its chain in a state file, so a test can take the node away and bring it back.</summary>
public sealed class RestartableChain : AnvilNode
{
    protected override bool KeepsStateAcrossRestarts => true;
}
