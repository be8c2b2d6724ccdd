using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Util;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// The part of CommunityToken's ABI (an OpenZeppelin ERC20 with AccessControl) the auditor reads, copied from the
/// published artifact (services/ChainBridge/Solidity/artifacts/CommunityToken.json).
/// </summary>
internal static class CommunityTokenAbi
{
    /// <summary>keccak256("MINTER_ROLE"), the constant of the contract.</summary>
    public static readonly byte[] MinterRole = Sha3Keccack.Current.CalculateHash("MINTER_ROLE"u8.ToArray());

    [Event("Transfer")]
    public sealed class TransferEvent : IEventDTO
    {
        [Parameter("address", "from", 1, true)]
        public string From { get; set; } = "";

        [Parameter("address", "to", 2, true)]
        public string To { get; set; } = "";

        [Parameter("uint256", "value", 3, false)]
        public BigInteger Value { get; set; }
    }

    [Event("RoleGranted")]
    public sealed class RoleGrantedEvent : IEventDTO
    {
        [Parameter("bytes32", "role", 1, true)]
        public byte[] Role { get; set; } = [];

        [Parameter("address", "account", 2, true)]
        public string Account { get; set; } = "";

        [Parameter("address", "sender", 3, true)]
        public string Sender { get; set; } = "";
    }

    [Function("totalSupply", "uint256")]
    public sealed class TotalSupplyFunction : FunctionMessage;

    /// <summary>grantRole(bytes32,address): only tests use it, to play an admin who makes itself a minter.</summary>
    [Function("grantRole")]
    public sealed class GrantRoleFunction : FunctionMessage
    {
        [Parameter("bytes32", "role", 1)]
        public byte[] Role { get; set; } = [];

        [Parameter("address", "account", 2)]
        public string Account { get; set; } = "";
    }

    /// <summary>mint(address,uint256): only tests use it, to mint outside a claim.</summary>
    [Function("mint")]
    public sealed class MintFunction : FunctionMessage
    {
        [Parameter("address", "to", 1)]
        public string To { get; set; } = "";

        [Parameter("uint256", "amount", 2)]
        public BigInteger Amount { get; set; }
    }
}
