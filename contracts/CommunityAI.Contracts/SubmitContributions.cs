namespace CommunityAI.Contracts;

/// <summary>
/// A partner platform submits up to 1,000 contributions at once (added in 1.6), each signed by its contributor. Sent to
/// the exchange <c>contributions-submit-batch</c>, as a MassTransit envelope or as a plain JSON body (camelCase
/// properties). Each item is checked exactly as a <see cref="SubmitContribution"/> is (and counted in its signer's
/// quota), the accepted ones are stored in one transaction, and each item is answered on its own: an accepted item
/// produces <see cref="ContributionSubmitted"/>, a refused one <see cref="ContributionRejected"/> carrying the item's
/// <see cref="SubmitContribution.CorrelationId"/>. A batch with no items or too many is refused whole: one
/// <see cref="ContributionRejected"/> with field <c>contributions</c> and this batch's <see cref="CorrelationId"/>.
/// </summary>
/// <param name="PartnerId">The submitting partner platform; used for items that name none.</param>
/// <param name="CorrelationId">The partner's own id for the batch, echoed when the batch is refused whole.</param>
/// <param name="Contributions">The signed contributions, each exactly a <see cref="SubmitContribution"/>.</param>
public sealed record SubmitContributions(
    string? PartnerId,
    string? CorrelationId,
    IReadOnlyList<SubmitContribution>? Contributions);
