using System.ComponentModel.DataAnnotations;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Portal;

/// <summary>
/// The chain as the browser sees it. The page reads anchored tree heads from this JSON-RPC itself (never through our
/// API), and a wallet is asked to switch to, or add, this chain before it signs.
/// </summary>
public sealed class PortalOptions : IValidatableObject
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

    /// <summary>
    /// The log's checkpoint verifier key (C2SP signed-note, type 0x01), the one the community publishes: the explorer
    /// checks the signed checkpoint with it in the browser. Unset, the explorer says it did not check.
    /// </summary>
    public string? LogKey { get; set; }

    /// <summary>Verifier keys (type 0x04, tlog-cosignature) of the witnesses the explorer knows.</summary>
    public string[] WitnessKeys { get; set; } = [];

    /// <summary>How many of <see cref="WitnessKeys"/> must have cosigned the served head for the explorer to accept it.</summary>
    [Range(0, 100)]
    public int WitnessesRequired { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LogKey is not null && !(NoteKey.TryParse(LogKey, out var log, out var error) && log.Type == NoteKey.Ed25519Type))
            yield return new($"Portal:LogKey must be the log's Ed25519 note verifier key (type 0x01) {error}".TrimEnd(), [nameof(LogKey)]);
        foreach (var witness in WitnessKeys)
        {
            if (!(NoteKey.TryParse(witness, out var key, out var keyError) && key.Type == NoteKey.CosignatureType))
                yield return new($"Portal:WitnessKeys: {witness} is not a cosignature/v1 verifier key (type 0x04) {keyError}".TrimEnd(), [nameof(WitnessKeys)]);
        }
        if (WitnessesRequired > WitnessKeys.Length)
            yield return new($"Portal:WitnessesRequired ({WitnessesRequired}) is more than the {WitnessKeys.Length} witness keys configured", [nameof(WitnessesRequired)]);
        if (WitnessesRequired > 0 && LogKey is null)
            yield return new("Portal:WitnessesRequired needs Portal:LogKey: cosignatures are checked on a checkpoint the log's key signed", [nameof(LogKey)]);
    }
}
