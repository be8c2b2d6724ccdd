namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// The chain we anchor on, from configuration section "Chain" and connection string "chain" (the RPC URL).
/// Contract addresses are optional: when absent, the bridge deploys its contracts once and remembers them.
/// </summary>
public sealed class ChainOptions
{
    public const string Section = "Chain";

    public string RpcUrl { get; set; } = "";

    /// <summary>
    /// The transaction chain id, <c>Chain:Id</c>: the same one setting the services check signatures against
    /// (SigningChainOptions), so it is configured once for the whole deployment. anvil's by default.
    /// </summary>
    public long Id { get; set; } = 31337;

    /// <summary>The anchoring key (hex). Never logged; from a Dapr secret store when a sidecar is configured.</summary>
    public string AnchorerKey { get; set; } = "";

    public string? AnchorContract { get; set; }
    public string? TokenContract { get; set; }
    public string? DistributorContract { get; set; }
}
