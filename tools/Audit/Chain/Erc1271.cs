using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// EIP-1271: a contract account (a multisig, a timelock's proposer wallet) says whether a signature over a hash is
/// its own. The admin of a deployment can be such an account, which signs the network file through its owners.
/// </summary>
public static class Erc1271
{
    /// <summary><c>bytes4(keccak256("isValidSignature(bytes32,bytes)"))</c>, what a contract answers when it accepts.</summary>
    public static readonly byte[] MagicValue = [0x16, 0x26, 0xba, 0x7e];

    [Function("isValidSignature", "bytes4")]
    public sealed class IsValidSignatureFunction : FunctionMessage
    {
        [Parameter("bytes32", "hash", 1)]
        public byte[] Hash { get; set; } = [];

        [Parameter("bytes", "signature", 2)]
        public byte[] Signature { get; set; } = [];
    }

    /// <summary>
    /// Whether <paramref name="account"/> is a contract that accepts <paramref name="signature"/> over
    /// <paramref name="hash"/> now (latest block). An account without code, or a call that reverts, does not.
    /// </summary>
    public static async Task<bool> AcceptsAsync(IWeb3 chain, string account, byte[] hash, byte[] signature, CancellationToken ct)
    {
        var code = await chain.Eth.GetCode.SendRequestAsync(account).WaitAsync(ct);
        if (string.IsNullOrEmpty(code) || code == "0x")
            return false;
        try
        {
            var answer = await chain.Eth.GetContractQueryHandler<IsValidSignatureFunction>()
                .QueryAsync<byte[]>(account, new IsValidSignatureFunction { Hash = hash, Signature = signature }).WaitAsync(ct);
            return answer is { Length: >= 4 } && answer.AsSpan(0, 4).SequenceEqual(MagicValue);
        }
        catch (Exception e) when (e is Nethereum.JsonRpc.Client.RpcResponseException or SmartContractRevertException or ArgumentException)
        {
            return false; // it reverted or answered nothing a bytes4 reads from: not accepted
        }
    }
}
