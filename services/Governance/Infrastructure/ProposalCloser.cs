using System.Globalization;
using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Governance.Domain;
using JasperFx;
using Marten;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// Records what the clock has decided: a vote whose deadline passed succeeded (and is queued for its timelock) or was
/// defeated; a queued proposal whose timelock ended is activated. The decision is the pure lifecycle's, so replay
/// reaches the same outcome from the same events.
/// </summary>
public sealed class ProposalCloser(IDocumentStore store, GovernanceDesk desk, ProposalWriteGate gate, TimeProvider clock)
{
    // Succeeded-and-queued, then activated: two steps, plus room for a few lost races with another writer.
    private const int MaxStepsPerProposal = 5;

    /// <summary>Records every outcome that is due; returns how many it recorded.</summary>
    public async Task<int> CloseDueAsync(CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var open = await query.Query<Proposal>().Where(p => p.Open).ToListAsync(ct);
        var recorded = 0;
        foreach (var candidate in open)
        {
            // A proposal may owe more than one step (its vote ended and its timelock too, after a long pause): record
            // each, so when this returns nothing that is due is left for a later round.
            for (var attempt = 0; attempt < MaxStepsPerProposal; attempt++)
            {
                try
                {
                    if (!await CloseAsync(candidate.ProposalId, ct))
                        break;
                    recorded++;
                }
                catch (ConcurrencyException)
                {
                    // A veto or another replica's closer wrote to the stream meanwhile: look again on top of it.
                }
            }
        }
        return recorded;
    }

    private async Task<bool> CloseAsync(string proposalId, CancellationToken ct)
    {
        using var turn = await gate.EnterAsync(proposalId, ct);
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Proposal>(Proposal.StreamKey(proposalId), ct);
        if (stream.Aggregate is not { Open: true } proposal)
            return false;
        // Every round looks at every open proposal: the running tally says cheaply whether its vote has ended; the
        // outcome is then recorded from the votes counted again from the history, as an auditor's replay counts them.
        var timeline = proposal.Timeline;
        var now = clock.GetUtcNow();
        var deadline = timeline.Deadline((await desk.TallyAsync(proposal, ct)).QuorumReachedAt);

        if (proposal.Succeeded is null && now >= deadline)
        {
            var tally = await desk.RecountAsync(session, proposal, ct);
            deadline = timeline.Deadline(tally.QuorumReachedAt);
            if (now < deadline)
                return false;
            if (tally.Passes)
            {
                stream.AppendMany(
                    new ProposalSucceeded(proposalId, Format(tally.For), Format(tally.Against), Format(tally.Abstain), Format(tally.QuorumNeeded), deadline),
                    new ProposalQueued(proposalId, timeline.ActivatesAt(deadline)));
            }
            else
            {
                var reason = tally.QuorumReached ? "for did not exceed against" : "quorum not reached";
                stream.AppendOne(new ProposalDefeated(proposalId, Format(tally.For), Format(tally.Against), Format(tally.Abstain),
                    Format(tally.QuorumNeeded), reason, deadline));
            }
            await session.SaveChangesAsync(ct);
            return true;
        }

        if (proposal.Queued is { } queued && proposal.Vetoed is null && now >= queued.ActivatesAt)
        {
            stream.AppendOne(new PolicyActivated(proposalId, proposal.Submitted.Kind, proposal.Submitted.Payload, proposal.Submitted.PayloadHash, now));
            await session.SaveChangesAsync(ct);
            return true;
        }
        return false;
    }

    private static string Format(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
