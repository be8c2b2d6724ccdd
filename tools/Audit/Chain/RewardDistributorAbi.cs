using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// The part of RewardDistributor's ABI the auditor reads, copied from the published artifact
/// (services/ChainBridge/Solidity/artifacts/RewardDistributor.json) so the tool does not depend on our build.
/// </summary>
internal static class RewardDistributorAbi
{
    [Event("RootPublished")]
    public sealed class RootPublishedEvent : IEventDTO
    {
        [Parameter("uint64", "epoch", 1, true)]
        public ulong Epoch { get; set; }

        [Parameter("bytes32", "root", 2, false)]
        public byte[] Root { get; set; } = [];

        [Parameter("uint256", "cumulativeTotal", 3, false)]
        public BigInteger CumulativeTotal { get; set; }

        [Parameter("uint64", "claimableAt", 4, false)]
        public ulong ClaimableAt { get; set; }
    }

    [Event("RootVetoed")]
    public sealed class RootVetoedEvent : IEventDTO
    {
        [Parameter("uint64", "epoch", 1, true)]
        public ulong Epoch { get; set; }

        [Parameter("bytes32", "root", 2, false)]
        public byte[] Root { get; set; } = [];

        [Parameter("address", "guardian", 3, false)]
        public string Guardian { get; set; } = "";
    }

    [Event("Claimed")]
    public sealed class ClaimedEvent : IEventDTO
    {
        [Parameter("address", "account", 1, true)]
        public string Account { get; set; } = "";

        [Parameter("uint64", "epoch", 2, true)]
        public ulong Epoch { get; set; }

        [Parameter("uint256", "amount", 3, false)]
        public BigInteger Amount { get; set; }

        [Parameter("uint256", "cumulativeAmount", 4, false)]
        public BigInteger CumulativeAmount { get; set; }
    }

    [Function("token", "address")]
    public sealed class TokenFunction : FunctionMessage;

    [Function("totalPaid", "uint256")]
    public sealed class TotalPaidFunction : FunctionMessage;
}
