namespace CommunityAI.Contracts;

/// <summary>
/// A signed contribution was accepted into the history. Published by the contributions service.
/// The same record is the history event, so auditors read exactly what consumers received.
/// </summary>
/// <param name="ContributionId">EIP-712 digest of the signed Contribution, 0x-prefixed hex.</param>
/// <param name="Contributor">Signer's address, EIP-55 checksummed.</param>
/// <param name="Kind">One of data, feedback, knowledge, model.</param>
/// <param name="ContentHash">
/// SHA-256 of the content bytes, 0x-prefixed hex. Inline content begins with a random salt line
/// (CommunityAI.Formats.ContentSalt), so the hash of a short text cannot be guessed.
/// </param>
/// <param name="ContentUri">Where the content lives (https, ipfs or ar).</param>
/// <param name="Nonce">The signer's nonce (uint64) as a decimal string, so JSON never rounds it.</param>
/// <param name="Deadline">Unix time in seconds after which the signature was no longer valid.</param>
/// <param name="Signature">The 65-byte EIP-712 signature, 0x-prefixed hex (version 2: domain with the HistoryAnchor as verifying contract).</param>
/// <param name="ContentSize">Size in bytes of inline content (salt line included), when the contributor sent it; otherwise null. Quality-scoring then waits for the content privately.</param>
/// <param name="SubmittedAt">When the contributions service accepted it.</param>
/// <param name="Text">
/// Always null on new contributions: content never enters the history, the log or the public bus. The inline content
/// lives encrypted in the contributions service's erasable store, and quality-scoring receives it privately
/// (<see cref="ScoringContent"/>). Set only on contributions recorded before that store existed (added in 1.1, retired).
/// </param>
/// <param name="Licence">
/// The SPDX licence identifier the contributor signed (part of the version-2 EIP-712 Contribution, so of the id).
/// Null only on contributions accepted before version 2 of the signing formats. Optional (added in 1.3).
/// </param>
public sealed record ContributionSubmitted(
    string ContributionId,
    string Contributor,
    string Kind,
    string ContentHash,
    string ContentUri,
    string Nonce,
    long Deadline,
    string Signature,
    long? ContentSize,
    DateTimeOffset SubmittedAt,
    string? Text = null,
    string? Licence = null);
