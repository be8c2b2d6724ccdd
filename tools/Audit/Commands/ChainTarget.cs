using System.CommandLine;
using CommunityAI.Audit.Chain;
using Nethereum.Util;
using Nethereum.Web3;

namespace CommunityAI.Audit.Commands;

/// <summary>
/// The chain options every command that reads anchors shares, and how they resolve to one <see cref="ChainDeployment"/>.
/// The HistoryAnchor comes from <c>--anchor</c> or the signed published deployment given by <c>--network-file</c> (never
/// the operator's API alone); with both, they must agree; with a network file, the node at <c>--rpc</c> must answer the
/// file's chain id. Logs are read from <c>--from-block</c>, else the file's deployment block, else the block the anchor's
/// code first appears in, in pages of <c>--log-range</c> blocks: never one query from block 0, which public providers refuse.
/// </summary>
internal sealed class ChainTarget
{
    private ChainTarget(bool rpcRequired)
    {
        Rpc = CommonOptions.Rpc(rpcRequired);
        Anchor = CommonOptions.Anchor();
    }

    public Option<string?> Rpc { get; }

    public Option<string?> Anchor { get; }

    public Option<string?> NetworkFile { get; } = new("--network-file")
    {
        Description = "the published, admin-signed deployment (deploy/networks/<name>.json) to take the HistoryAnchor address and deployment block from",
    };

    public Option<ulong?> FromBlock { get; } = new("--from-block")
    {
        Description = "first block to read chain logs from (default: the network file's deployment block, else the block the anchor's code first appears in)",
    };

    public Option<ulong> LogRange { get; } = new("--log-range")
    {
        Description = "blocks per eth_getLogs query; public RPC providers refuse large ranges",
        DefaultValueFactory = _ => ChainLogScan.DefaultPageSize,
    };

    /// <summary>Creates the options and adds them to <paramref name="command"/>.</summary>
    public static ChainTarget AddTo(Command command, bool rpcRequired = false)
    {
        var target = new ChainTarget(rpcRequired);
        command.Add(target.Rpc);
        command.Add(target.Anchor);
        command.Add(target.NetworkFile);
        command.Add(target.FromBlock);
        command.Add(target.LogRange);
        return target;
    }

    /// <returns>The deployment to read (null when no chain is given), or the usage error.</returns>
    public async Task<(ChainDeployment? Target, string? Error)> ResolveAsync(ParseResult parse, CancellationToken ct)
    {
        if (parse.GetValue(LogRange) == 0)
            return (null, "--log-range must be at least 1 block");
        var (target, error) = await ResolveDeploymentAsync(parse.GetValue(Rpc), parse.GetValue(Anchor), parse.GetValue(NetworkFile), ct);
        if (error is not null)
            return (null, error);
        if (target is null)
            return parse.GetValue(FromBlock) is null ? (null, null) : (null, "--from-block needs --rpc with --anchor or --network-file");
        target = target with { PageSize = parse.GetValue(LogRange) };
        return parse.GetValue(FromBlock) is { } from ? (target with { DeploymentBlock = from }, null) : (target, null);
    }

    private static async Task<(ChainDeployment? Target, string? Error)> ResolveDeploymentAsync(string? rpc, string? anchor, string? networkFile, CancellationToken ct)
    {
        if (networkFile is null)
            return (rpc is null) != (anchor is null) ? (null, "--rpc goes with --anchor or --network-file")
                : rpc is null ? (null, null)
                : !AddressUtil.Current.IsValidEthereumAddressHexFormat(anchor) ? (null, $"--anchor {anchor} is not an address")
                : (new ChainDeployment(rpc, anchor!, null, null, null), null);
        if (rpc is null)
            return (null, "--network-file needs --rpc: the node to read the anchors from");
        if (!File.Exists(networkFile))
            return (null, $"{networkFile} does not exist");
        Audit.Chain.NetworkFile file;
        try
        {
            // With the chain at hand, so a contract admin (a multisig) can have signed it through EIP-1271.
            file = await Audit.Chain.NetworkFile.LoadAsync(networkFile, new Web3(rpc), ct);
        }
        catch (FormatException e)
        {
            return (null, $"{networkFile} is not a valid signed network file: {e.Message}");
        }
        if (anchor is not null && !AddressUtil.Current.AreAddressesTheSame(anchor, file.HistoryAnchor))
            return (null, $"--anchor {anchor} differs from the published HistoryAnchor {file.HistoryAnchor} of {file.Network}");
        var chainId = (await new Web3(rpc).Eth.ChainId.SendRequestAsync().WaitAsync(ct)).Value;
        if (chainId != file.ChainId)
            return (null, $"the node at {rpc} is chain {chainId}, but {file.Network} is chain {file.ChainId}");
        return (new ChainDeployment(rpc, file.HistoryAnchor, file.RewardDistributor, file.CommunityToken, file.DeploymentBlock), null);
    }
}
