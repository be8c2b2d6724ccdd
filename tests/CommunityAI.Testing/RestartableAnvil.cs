namespace CommunityAI.Testing;

/// <summary>An anvil that keeps its chain in a state file, so a test can take the node away and bring it back.</summary>
public sealed class RestartableAnvil : AnvilNode
{
    protected override bool KeepsStateAcrossRestarts => true;
}
