using CommunityAI.Testing;

namespace ChainBridge.IntegrationTests;

/// <summary>The chain-bridge service started from its own Program with the test's settings (the one test host).</summary>
public sealed class BridgeHost(IReadOnlyDictionary<string, string> settings)
    : ServiceHost<CommunityAI.ChainBridge.Anchoring.AnchorOptions>(settings);
