namespace CommunityAI.Formats.Log;

/// <summary>
/// A perfect subtree of the log and its hash: what storage keeps, keyed by <see cref="Id"/>.
/// Equality compares the hash array by reference, as records do; compare hashes by content.
/// </summary>
/// <param name="Id">Which subtree.</param>
/// <param name="Hash">Its 32-byte RFC 9162 hash (the leaf hash when <see cref="NodeId.Level"/> is 0).</param>
public readonly record struct LogNode(NodeId Id, byte[] Hash);
