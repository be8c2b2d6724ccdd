using System.CommandLine;
using CommunityAI.Audit.Chain;
using Nethereum.Util;
using Nethereum.Web3;

namespace CommunityAI.Audit.Commands;

/// <summary>
/// Where the HistoryAnchor is: <c>--anchor</c>, or the signed published deployment given by <c>--network-file</c>
/// (never the operator's API alone). With both, they must agree; with a network file, the node at <c>--rpc</c> must
/// answer the file's chain id.
/// </summary>
internal static class ChainTarget
{
    public static Option<string?> NetworkFileOption() => new("--network-file")
    {
        Description = "the published, admin-signed deployment (deploy/networks/<name>.json) to take the HistoryAnchor address from",
    };

    /// <returns>The RPC URL and anchor address (both null when neither is given), or the usage error.</returns>
    public static async Task<(string? Rpc, string? Anchor, string? Error)> ResolveAsync(string? rpc, string? anchor, string? networkFile, CancellationToken ct)
    {
        var (target, error) = await ResolveDeploymentAsync(rpc, anchor, networkFile, ct);
        return (target?.Rpc, target?.Anchor, error);
    }

    /// <returns>
    /// The deployment to check (null when no chain is given): with a network file, its distributor, token and
    /// deployment block too; or the usage error.
    /// </returns>
    public static async Task<(ChainDeployment? Target, string? Error)> ResolveDeploymentAsync(string? rpc, string? anchor, string? networkFile, CancellationToken ct)
    {
        if (networkFile is null)
            return (rpc is null) != (anchor is null) ? (null, "--rpc goes with --anchor or --network-file")
                : rpc is null ? (null, null)
                : (new ChainDeployment(rpc, anchor!, null, null, null), null);
        if (rpc is null)
            return (null, "--network-file needs --rpc: the node to read the anchors from");
        if (!File.Exists(networkFile))
            return (null, $"{networkFile} does not exist");
        NetworkFile file;
        try
        {
            file = NetworkFile.Load(networkFile);
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

/// <summary>
/// The contracts <c>verify</c> reads: always the anchor; the distributor, token and deployment block when a network
/// file (or an option) names them, otherwise they are taken from the history's ContractsDeployed.
/// </summary>
internal sealed record ChainDeployment(string Rpc, string Anchor, string? Distributor, string? Token, ulong? DeploymentBlock);
