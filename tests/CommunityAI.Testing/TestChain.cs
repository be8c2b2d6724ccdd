using System.Globalization;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Testing;

/// <summary>
/// The deployment tests sign for: the anvil chain and the HistoryAnchor that anvil's account 0 deploys first on a fresh
/// chain (its contract at nonce 2, after token and distributor), which is also the development default.
/// </summary>
public static class TestChain
{
    public const string AnchorContract = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

    /// <summary>The EIP-712 domain (version 2) of every signature in the tests.</summary>
    public static SigningDomain Domain { get; } = new((ulong)AnvilNode.ChainId, AnchorContract);

    /// <summary>The one chain setting, as configuration entries for a service under test.</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
        ["Chain:VerifyingContract"] = AnchorContract,
    };

    /// <summary>A licence every intake accepts by default.</summary>
    public const string Licence = "CC-BY-4.0";
}
