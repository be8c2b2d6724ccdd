using Nethereum.JsonRpc.Client;

namespace CommunityAI.Audit.Chain;

/// <summary>
/// The chain could not be read as the audit needs: no contract where one was named, or a node that refuses what is
/// asked of it. Reported as one line and a failed check, never as a stack trace.
/// </summary>
public sealed class ChainReadException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Whether <paramref name="e"/> means the chain (the node or what it holds) failed us, rather than a bug.</summary>
    public static bool IsChainFailure(Exception e) =>
        e is ChainReadException or RpcResponseException or RpcClientUnknownException or RpcClientTimeoutException;
}
