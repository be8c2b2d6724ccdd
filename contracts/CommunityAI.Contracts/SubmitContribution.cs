namespace CommunityAI.Contracts;

/// <summary>
/// A partner platform submits a contribution signed by its contributor. Sent to the queue
/// <c>contributions-submit</c>, as a MassTransit envelope or as a plain JSON body (camelCase properties).
/// The checks are exactly those of <c>POST /api/contributions</c>; an accepted command produces
/// <see cref="ContributionSubmitted"/>, a rejected one <see cref="ContributionRejected"/> carrying <see cref="CorrelationId"/>.
/// </summary>
/// <param name="Contributor">Signer's address (any case; mixed case must be a valid EIP-55 checksum).</param>
/// <param name="Kind">One of data, feedback, knowledge, model.</param>
/// <param name="ContentHash">SHA-256 of the content bytes, 0x-prefixed 32-byte hex.</param>
/// <param name="ContentUri">Where the content lives: an absolute https, ipfs or ar URI.</param>
/// <param name="Nonce">The signer's nonce (uint64) as a decimal string, so JSON never rounds it.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer valid.</param>
/// <param name="Signature">The 65-byte EIP-712 signature over the version-2 Contribution, 0x-prefixed hex.</param>
/// <param name="Content">Optional inline content, base64, at most the configured size (1 MiB by default).</param>
/// <param name="PartnerId">The submitting partner platform, for tracing and rate accounting.</param>
/// <param name="CorrelationId">The partner's own id for this submission, echoed in <see cref="ContributionRejected"/>.</param>
/// <param name="Licence">The SPDX licence identifier the contributor signed; required by intake since version 2 of the signing formats (added in 1.3).</param>
public sealed record SubmitContribution(
    string? Contributor,
    string? Kind,
    string? ContentHash,
    string? ContentUri,
    string? Nonce,
    long? Deadline,
    string? Signature,
    string? Content,
    string? PartnerId,
    string? CorrelationId,
    string? Licence = null);
