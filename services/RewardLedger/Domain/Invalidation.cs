using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>What a passed <c>contribution-invalidation</c> proposal decided: which contribution, and why. Pure.</summary>
public sealed record Invalidation(string ContributionId, string Reason, string ProposalId)
{
    public const string Kind = ContributionInvalidation.Kind;

    /// <summary>
    /// The invalidation an activation carries, or null for another kind or a payload that does not read as one (the reader
    /// governance checks proposals with, <see cref="ContributionInvalidation"/>). The id is lower-case, as credit streams
    /// name it (CreditWriter), whatever case the proposer wrote.
    /// </summary>
    public static Invalidation? From(PolicyActivated activation) =>
        ContributionInvalidation.FromActivation(activation.Kind, activation.Payload) is { } read
            ? new Invalidation(read.ContributionId, read.Reason, activation.ProposalId)
            : null;
}
