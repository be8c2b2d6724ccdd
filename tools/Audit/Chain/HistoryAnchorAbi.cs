using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// The part of HistoryAnchor's ABI the auditor reads, copied from the published artifact
/// (services/ChainBridge/Solidity/artifacts/HistoryAnchor.json) so the tool does not depend on our build.
/// </summary>
internal static class HistoryAnchorAbi
{
    [Event("TreeHeadAnchored")]
    public sealed class TreeHeadAnchoredEvent : IEventDTO
    {
        [Parameter("uint64", "treeSize", 1, true)]
        public ulong TreeSize { get; set; }

        [Parameter("bytes32", "rootHash", 2, false)]
        public byte[] RootHash { get; set; } = [];
    }

    [Function("latestHead", typeof(LatestHeadOutput))]
    public sealed class LatestHeadFunction : FunctionMessage;

    [FunctionOutput]
    public sealed class LatestHeadOutput : IFunctionOutputDTO
    {
        [Parameter("uint64", "treeSize", 1)]
        public ulong TreeSize { get; set; }

        [Parameter("bytes32", "rootHash", 2)]
        public byte[] RootHash { get; set; } = [];
    }

    /// <summary>anchor(uint64,bytes32): only tests use it, to forge a head the way a compromised anchorer would.</summary>
    [Function("anchor")]
    public sealed class AnchorFunction : FunctionMessage
    {
        [Parameter("uint64", "treeSize", 1)]
        public ulong TreeSize { get; set; }

        [Parameter("bytes32", "rootHash", 2)]
        public byte[] RootHash { get; set; } = [];
    }
}
