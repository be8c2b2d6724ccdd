using System.ComponentModel.DataAnnotations;

namespace CommunityAI.ChainBridge.Relaying;

/// <summary>The gasless-claim relayer, from configuration section "Relayer". Without a key it is off (503).</summary>
public sealed class RelayerOptions
{
    public const string Section = "Relayer";

    /// <summary>
    /// The relayer's own private key (32-byte hex): it pays the gas of the claims it sends, and holds no role on any
    /// contract, so a stolen relayer key can spend its ether and nothing else. Never the anchoring key. A secret.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>Claims the relayer sends per account per UTC day: it pays for them, so they are bounded.</summary>
    [Range(1, 1000)]
    public int PerAccountPerDay { get; set; } = 3;

    public bool Enabled => !string.IsNullOrWhiteSpace(Key);
}
