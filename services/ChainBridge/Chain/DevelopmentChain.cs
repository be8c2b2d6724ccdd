namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The local development chain (anvil): the only chain the bridge deploys on unasked, with roles held by anvil's
/// public test accounts. These keys are published with anvil; they must never hold a role on a real chain.
/// </summary>
public static class DevelopmentChain
{
    public const long ChainId = 31337;

    /// <summary>anvil's account #9: the admin of a development deployment (a second key, never the anchoring one).</summary>
    public const string Admin = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

    /// <summary>anvil's account #8: the guardian of a development deployment.</summary>
    public const string Guardian = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";

    /// <summary>anvil's account #7: the community treasury of a development deployment's revenue pool.</summary>
    public const string Treasury = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
}
