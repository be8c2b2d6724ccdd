using CommunityAI.Testing;

namespace ChainBridge.IntegrationTests;

/// <summary>An anvil that mines nothing until told to (evm_mine, evm_setAutomine).</summary>
public sealed class IdleChain : AnvilNode
{
    protected override IEnumerable<string> ExtraArguments => ["--no-mining"];
}
