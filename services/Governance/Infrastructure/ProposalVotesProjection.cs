using CommunityAI.Contracts;
using CommunityAI.Governance.Domain;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// Writes a <see cref="ProposalVote"/> row for every vote governance records, in the vote's own transaction (inline).
/// An insert, never an upsert: a second vote by the same voter on the same proposal fails the whole transaction.
/// </summary>
public sealed partial class ProposalVotesProjection : EventProjection
{
    public ProposalVotesProjection()
    {
        IncludeType<VoteCast>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        // Only governance's own streams record votes; an event of the same type elsewhere is not one.
        if (e.Data is VoteCast vote && e.StreamKey is { } stream && stream.StartsWith(Extensions.StreamPrefix, StringComparison.Ordinal))
            operations.Insert(ProposalVote.Of(vote, e.Version));
        return ValueTask.CompletedTask;
    }
}
