namespace CommunityAI.Contracts;

/// <summary>
/// A dataset builder's signed snapshot: the scored, not-erased contributions of one kind, at or above a score, under
/// the allowed licences, fixed by the root of an OpenZeppelin StandardMerkleTree over <c>["bytes32","bytes32"]</c>
/// leaves (contribution id, content hash). The members are listed so anyone can rebuild the root from the history.
///
/// </summary>
/// <param name="Root">The tree's root, 0x-prefixed hex (32 bytes); the snapshot's id.</param>
/// <param name="Builder">The admitted builder who signed the request, EIP-55.</param>
/// <param name="Kind">The selected kind.</param>
/// <param name="MinScore">The lowest selected score (inclusive).</param>
/// <param name="Licences">The allowed licences, comma-separated, as signed.</param>
/// <param name="MemberCount">How many contributions the snapshot holds.</param>
/// <param name="Members">The leaves, in the order the history selected them (the tree sorts them itself).</param>
/// <param name="Nonce">The request's nonce (decimal).</param>
/// <param name="Deadline">The request's deadline, Unix seconds.</param>
/// <param name="Signature">The builder's EIP-712 signature over the <c>DatasetSnapshot</c>.</param>
/// <param name="SnapshottedAt">When the service took the snapshot.</param>
public sealed record DatasetSnapshotted(
    string Root,
    string Builder,
    string Kind,
    int MinScore,
    string Licences,
    int MemberCount,
    IReadOnlyList<DatasetMember> Members,
    string Nonce,
    long Deadline,
    string Signature,
    DateTimeOffset SnapshottedAt);
