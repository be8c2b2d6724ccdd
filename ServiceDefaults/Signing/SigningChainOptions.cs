using System.ComponentModel.DataAnnotations;
using CommunityAI.Formats.Signing;

namespace CommunityAI.ServiceDefaults.Signing;

/// <summary>
/// The one chain setting, section <c>Chain</c>: the chain id and the deployment's HistoryAnchor address, which together
/// make the EIP-712 domain every signature is checked in. Every service that checks signatures reads it from here (and
/// chain-bridge reads the same <c>Chain:Id</c>), so one value in one place binds all of them to one deployment.
/// </summary>
public sealed class SigningChainOptions : IValidatableObject
{
    public const string Section = "Chain";

    /// <summary>
    /// The development chain's HistoryAnchor: anvil's account 0 deploys the distributor (which creates the token) and then
    /// the anchor (ChainDeployer), so on a fresh chain the anchor is the contract created at that account's nonce 1
    /// (the same address deploy/networks/development.json publishes).
    /// The AppHost passes it; a changed deployment order changes it (a ChainBridge integration test checks both agree).
    /// </summary>
    public const string DevelopmentVerifyingContract = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

    /// <summary>The chain id (EIP-155); anvil's is 31337.</summary>
    [Range(1, long.MaxValue)]
    public long Id { get; set; } = 31337;

    /// <summary>The deployment's HistoryAnchor address (served as <c>anchorContract</c> by chain-bridge's <c>GET /api/chain</c>).</summary>
    [Required]
    public string? VerifyingContract { get; set; }

    /// <summary>The EIP-712 domain signatures are checked in.</summary>
    public SigningDomain ToDomain() => new((ulong)Id, VerifyingContract ?? throw new InvalidOperationException("Chain:VerifyingContract is not set"));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (VerifyingContract is null)
            yield break;
        if (!Address.TryParse(VerifyingContract, out var contract))
            yield return new("Chain:VerifyingContract must be a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)",
                [nameof(VerifyingContract)]);
        else if (contract == Address.Zero)
            yield return new("Chain:VerifyingContract must be the HistoryAnchor's address, not the zero address", [nameof(VerifyingContract)]);
    }
}
