using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>Decoding helpers shared by the contract wrappers.</summary>
internal static class ContractReads
{
    public static BlockParameter At(ulong? blockNumber) =>
        blockNumber is { } number ? new BlockParameter(number) : BlockParameter.CreateLatest();

    public static T Value<T>(IEnumerable<ParameterOutput> outputs, string name) =>
        (T)outputs.Single(o => o.Parameter.Name == name).Result;

    public static ulong UInt64(IEnumerable<ParameterOutput> outputs, string name) =>
        (ulong)Value<BigInteger>(outputs, name);

    /// <summary>Logs of <paramref name="eventName"/> emitted by <paramref name="contract"/> in blocks [from, to].</summary>
    public static async Task<List<EventLog<List<ParameterOutput>>>> EventsAsync(
        Contract contract, string eventName, ulong fromBlock, ulong toBlock, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromBlock, toBlock);
        var @event = contract.GetEvent(eventName);
        var filter = @event.CreateFilterInput(new BlockParameter(fromBlock), new BlockParameter(toBlock));
        var logs = await @event.GetAllChangesDefaultAsync(filter).WaitAsync(cancellationToken).ConfigureAwait(false);
        // getLogs returns chain order already; sorting keeps that promise explicit for callers.
        return [.. logs.OrderBy(l => l.Log.BlockNumber.Value).ThenBy(l => l.Log.LogIndex.Value)];
    }

    public static void RequireHash32(byte[] hash, string name)
    {
        ArgumentNullException.ThrowIfNull(hash, name);
        if (hash.Length != 32)
        {
            throw new ArgumentException($"A hash must be 32 bytes; got {hash.Length}.", name);
        }
    }
}
