using System.Numerics;
using CommunityAI.Formats;
using Nethereum.Contracts;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// Reads the RewardDistributor's publications, vetoes and claims and its token's mints, minter grants and supply,
/// all through <paramref name="scan"/>: logs page by page from the deployment block, views at the scan's last block.
/// </summary>
internal sealed class DistributorReader(ChainLogScan scan, string distributor)
{
    private const string ZeroAddress = "0x0000000000000000000000000000000000000000";

    public async Task<DistributorActivity> ReadAsync(CancellationToken ct)
    {
        var eth = scan.Web3.Eth;
        var code = await eth.GetCode.SendRequestAsync(distributor, scan.At).WaitAsync(ct);
        if (code is null || code.Length <= 2)
            throw new ChainReadException($"no contract at {distributor} at block {scan.ToBlock}");
        var token = await eth.GetContractQueryHandler<RewardDistributorAbi.TokenFunction>()
            .QueryAsync<string>(distributor, new RewardDistributorAbi.TokenFunction(), scan.At).WaitAsync(ct);
        var totalPaid = await eth.GetContractQueryHandler<RewardDistributorAbi.TotalPaidFunction>()
            .QueryAsync<BigInteger>(distributor, new RewardDistributorAbi.TotalPaidFunction(), scan.At).WaitAsync(ct);
        var supply = await eth.GetContractQueryHandler<CommunityTokenAbi.TotalSupplyFunction>()
            .QueryAsync<BigInteger>(token, new CommunityTokenAbi.TotalSupplyFunction(), scan.At).WaitAsync(ct);

        var roots = (await scan.ReadAsync<RewardDistributorAbi.RootPublishedEvent>(distributor, ct))
            .Select(l => new ChainRoot(l.Event.Epoch, Hex.Encode(l.Event.Root), l.Event.CumulativeTotal,
                (ulong)l.Log.BlockNumber.Value, l.Log.TransactionHash, (ulong)l.Log.LogIndex.Value))
            .ToList();
        var vetoes = (await scan.ReadAsync<RewardDistributorAbi.RootVetoedEvent>(distributor, ct))
            .Select(l => new ChainVeto(l.Event.Epoch, Hex.Encode(l.Event.Root), l.Event.Guardian, (ulong)l.Log.BlockNumber.Value, l.Log.TransactionHash))
            .ToList();
        var claims = (await scan.ReadAsync<RewardDistributorAbi.ClaimedEvent>(distributor, ct))
            .Select(l => new ChainClaim(l.Event.Account, l.Event.Epoch, l.Event.Amount, l.Event.CumulativeAmount,
                (ulong)l.Log.BlockNumber.Value, l.Log.TransactionHash))
            .ToList();
        // Only transfers from the zero address: new tokens, however many ordinary transfers the token has.
        var mints = (await scan.ReadAsync<CommunityTokenAbi.TransferEvent>(token, ct,
                (e, from, to) => e.CreateFilterInput<string>(ZeroAddress, from, to)))
            .Where(l => string.Equals(l.Event.From, ZeroAddress, StringComparison.OrdinalIgnoreCase))
            .Select(l => new ChainMint(l.Event.To, l.Event.Value, (ulong)l.Log.BlockNumber.Value, l.Log.TransactionHash))
            .ToList();
        var grants = (await scan.ReadAsync<CommunityTokenAbi.RoleGrantedEvent>(token, ct,
                (e, from, to) => e.CreateFilterInput<byte[]>(CommunityTokenAbi.MinterRole, from, to)))
            .Where(l => l.Event.Role.AsSpan().SequenceEqual(CommunityTokenAbi.MinterRole))
            .Select(l => new MinterGrant(l.Event.Account, l.Event.Sender, (ulong)l.Log.BlockNumber.Value, l.Log.TransactionHash))
            .ToList();
        return new DistributorActivity(distributor, token, scan.ToBlock, roots, vetoes, claims, mints, grants, supply, totalPaid);
    }
}
