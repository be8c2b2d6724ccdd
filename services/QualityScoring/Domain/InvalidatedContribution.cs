using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A contribution a passed <c>contribution-invalidation</c> proposal invalidated (governance's stored
/// <see cref="PolicyActivated"/>), as <c>InvalidationFollower</c> records it: its rewards are taken back by the ledger, so its
/// score is not appealed any more (an appeal would spend a second round of validators' work on a score that pays nothing).
/// </summary>
/// <param name="Id">The contribution id, lower-case 0x-hex (the case's id).</param>
/// <param name="Sequence">The activation's place in the history; a contribution keeps its first invalidation.</param>
public sealed record InvalidatedContribution(string Id, string ProposalId, string Reason, long Sequence, DateTimeOffset ActivatedAt)
{
    public const string Kind = ContributionInvalidation.Kind;

    /// <summary>
    /// The invalidation an activation carries, or null for another kind or a payload that does not read as one (the reader
    /// governance checks proposals with, <see cref="ContributionInvalidation"/>).
    /// </summary>
    public static InvalidatedContribution? From(PolicyActivated activation, long sequence) =>
        ContributionInvalidation.FromActivation(activation.Kind, activation.Payload) is { } read
            ? new InvalidatedContribution(read.ContributionId, activation.ProposalId, read.Reason, sequence, activation.ActivatedAt)
            : null;
}
