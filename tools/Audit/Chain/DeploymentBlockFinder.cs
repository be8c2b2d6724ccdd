using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// Finds the block a contract was deployed in when nobody said (no network file, no <c>--from-block</c>, no
/// ContractsDeployed in the history): the first block at which the address has code, by binary search over
/// <c>eth_getCode</c> (about 25 calls on a chain of 20 million blocks). Reading logs from there, rather than from block 0,
/// is what lets the audit use a public provider. Needs a node that serves past state (an archive node, or any provider
/// for recent blocks); when it does not, the message says what to give instead.
/// </summary>
internal static class DeploymentBlockFinder
{
    public static async Task<ulong> FindAsync(Web3 web3, string address, ulong latest, CancellationToken ct)
    {
        if (!await HasCodeAsync(web3, address, latest, ct))
            throw new ChainReadException($"no contract at {address} at block {latest}");
        ulong low = 0, high = latest;
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            bool deployed;
            try
            {
                deployed = await HasCodeAsync(web3, address, middle, ct);
            }
            catch (RpcResponseException e)
            {
                throw new ChainReadException(
                    $"the node does not serve the state of block {middle} to find where {address} was deployed ({e.Message}); " +
                    "give --from-block or --network-file", e);
            }
            if (deployed)
                high = middle;
            else
                low = middle + 1;
        }
        return low;
    }

    private static async Task<bool> HasCodeAsync(Web3 web3, string address, ulong block, CancellationToken ct)
    {
        var code = await web3.Eth.GetCode.SendRequestAsync(address, new BlockParameter(new HexBigInteger(block))).WaitAsync(ct);
        return code is { Length: > 2 };
    }
}
