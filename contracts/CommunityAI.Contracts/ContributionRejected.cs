namespace CommunityAI.Contracts;

/// <summary>
/// A partner's <see cref="SubmitContribution"/> (or one item of a <see cref="SubmitContributions"/>, or such a batch whole) was refused; nothing of it entered the history except this record.
/// Published by the contributions service from streams under <c>contributions/rejections/</c>.
/// </summary>
/// <param name="CorrelationId">The partner's correlation id from the command (null when it sent none).</param>
/// <param name="PartnerId">The partner named in the command, when it named one.</param>
/// <param name="Contributor">The contributor address as sent (may be malformed), for the partner's bookkeeping.</param>
/// <param name="Field">The field that broke a rule (e.g. contentHash, signature, nonce).</param>
/// <param name="Reason">The rule it broke, in words (the same text the HTTP problem details carry).</param>
/// <param name="Status">The HTTP status the same submission gets over HTTP: 400 malformed, 401 bad signature, 409 nonce used, 429 over its signer's quota (a batch item), 413 a batch with too many items.</param>
/// <param name="RejectedAt">When the contributions service refused it.</param>
public sealed record ContributionRejected(
    string? CorrelationId,
    string? PartnerId,
    string? Contributor,
    string Field,
    string Reason,
    int Status,
    DateTimeOffset RejectedAt);
