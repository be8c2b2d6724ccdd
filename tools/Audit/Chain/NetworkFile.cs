using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommunityAI.Formats.Json;
using Nethereum.Signer;
using Nethereum.Util;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// A published deployment (deploy/networks/&lt;name&gt;.json): chain id, contract addresses, deployment block, admin
/// and guardian, signed by the admin key with EIP-191 (<c>personal_sign</c>) over the RFC 8785 canonical JSON of the
/// file without its <c>signature</c> member. Auditors take the addresses from it instead of the operator's API.
/// </summary>
public sealed record NetworkFile(
    int Version, string Network, long ChainId, string HistoryAnchor, string CommunityToken, string RewardDistributor,
    ulong DeploymentBlock, string Admin, string Guardian, string Signature)
{
    public const int CurrentVersion = 1;

    /// <summary>Reads and checks <paramref name="path"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static NetworkFile Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>
    /// Reads and checks <paramref name="path"/> with the chain at hand: an admin that is a contract (a multisig) signs
    /// through EIP-1271, which only the chain can answer; an admin's own key (EIP-191) is checked as offline.
    /// </summary>
    public static async Task<NetworkFile> LoadAsync(string path, Nethereum.Web3.IWeb3 chain, CancellationToken ct)
    {
        var (file, signer, text) = Read(await File.ReadAllTextAsync(path, ct));
        if (AddressUtil.Current.AreAddressesTheSame(signer, file.Admin))
            return file;
        var hash = new EthereumMessageSigner().HashPrefixedMessage(Encoding.UTF8.GetBytes(text));
        if (await Erc1271.AcceptsAsync(chain, file.Admin, hash, Formats.Hex.Decode(file.Signature), ct))
            return file;
        throw new FormatException($"the signature is by {signer}, not by the admin {file.Admin}, and the admin does not accept it on chain " +
            "(no contract there, or its EIP-1271 isValidSignature refuses it)");
    }

    /// <summary>Parses and checks a network file's text: every member present, addresses valid, the admin's signature good.</summary>
    /// <remarks>Offline, only an admin's own key can be checked; a contract admin's signature needs <see cref="LoadAsync"/>.</remarks>
    public static NetworkFile Parse(string json)
    {
        var (file, signer, _) = Read(json);
        if (!AddressUtil.Current.AreAddressesTheSame(signer, file.Admin))
            throw new FormatException($"the signature is by {signer}, not by the admin {file.Admin}");
        return file;
    }

    /// <summary>The file, who its signature recovers to (EIP-191), and the text it signs.</summary>
    private static (NetworkFile File, string Signer, string Text) Read(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("a network file is one JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"a network file is one JSON object: {e.Message}");
        }
        var version = Member<int>(root, "version");
        if (version != CurrentVersion)
            throw new FormatException($"network file version {version} is not supported (expected {CurrentVersion})");
        var contracts = root["contracts"] as JsonObject ?? throw new FormatException("member 'contracts' is missing");
        var file = new NetworkFile(version, Member<string>(root, "network"), Member<long>(root, "chainId"),
            Address(contracts, "historyAnchor"), Address(contracts, "communityToken"), Address(contracts, "rewardDistributor"),
            Member<ulong>(root, "deploymentBlock"), Address(root, "admin"), Address(root, "guardian"), Member<string>(root, "signature"));

        var text = SignedText(root);
        return (file, new EthereumMessageSigner().EncodeUTF8AndEcRecover(text, file.Signature), text);
    }

    /// <summary>The text the admin signs: the canonical JSON of the file without <c>signature</c>.</summary>
    public static string SignedText(JsonObject file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var unsigned = file.DeepClone().AsObject();
        unsigned.Remove("signature");
        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(unsigned.ToJsonString()));
    }

    private static T Member<T>(JsonObject o, string name)
    {
        try
        {
            return o[name] is { } node ? node.GetValue<T>() : throw new FormatException($"member '{name}' is missing");
        }
        catch (InvalidOperationException)
        {
            throw new FormatException($"member '{name}' is not a {typeof(T).Name.ToLower(CultureInfo.InvariantCulture)}");
        }
    }

    private static string Address(JsonObject o, string name)
    {
        var text = Member<string>(o, name);
        if (!AddressUtil.Current.IsValidEthereumAddressHexFormat(text) || !AddressUtil.Current.IsChecksumAddress(text))
            throw new FormatException($"member '{name}' is not an EIP-55 checksummed address: {text}");
        return text;
    }
}
