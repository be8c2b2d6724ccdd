namespace CommunityAI.Contracts;

/// <summary>One leaf of a dataset snapshot's Merkle tree: the values <c>["bytes32","bytes32"]</c> of its OpenZeppelin StandardMerkleTree.</summary>
/// <param name="ContributionId">The contribution's id, 0x-prefixed hex (32 bytes).</param>
/// <param name="ContentHash">The contribution's content hash (SHA-256), 0x-prefixed hex (32 bytes).</param>
public sealed record DatasetMember(string ContributionId, string ContentHash);
