using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Portal;

/// <summary>
/// The chain as the browser sees it. The page reads anchored tree heads from this JSON-RPC itself (never through our
/// API), and a wallet is asked to switch to, or add, this chain before it signs.
/// </summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>The EIP-155 chain id every signature is bound to: Chain:Id when this is not set, else the local anvil's.</summary>
    [Range(1, long.MaxValue)]
    public long ChainId { get; set; } = 31337;

    /// <summary>A JSON-RPC address reachable from the user's browser (not a cluster-internal name).</summary>
    [Required, Url]
    public string ChainRpcUrl { get; set; } = "http://127.0.0.1:8545";

    /// <summary>The name a wallet shows when it adds the chain.</summary>
    [Required]
    public string ChainName { get; set; } = "CommunityAI development chain";
}
