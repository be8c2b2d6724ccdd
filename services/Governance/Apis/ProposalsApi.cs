using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;
using CommunityAI.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.Governance.Apis;

/// <summary>Signed proposals, and each proposal with its payload, tally, quorum, timeline and state.</summary>
public static class ProposalsApi
{
    public const int MaxPageSize = 100;

    public sealed record TallyView(string For, string Against, string Abstain, string TotalWeight, string QuorumNeeded, bool QuorumReached,
        DateTimeOffset? QuorumReachedAt, bool Passes);

    public sealed record TimelineView(DateTimeOffset SubmittedAt, DateTimeOffset VotingStartsAt, DateTimeOffset VotingEndsAt,
        DateTimeOffset Deadline, DateTimeOffset ActivatesAt);

    public sealed record ProposalView(string Id, string Proposer, string Kind, string Title, string Body, string BodyHash,
        JsonElement Payload, string PayloadHash, string State, TallyView Tally, TimelineView Timeline, long SnapshotEpoch,
        string SnapshotClaimRoot, int QuorumBasisPoints, long ParametersVersion, int Votes, string? VetoReason, string? VetoedBy,
        DateTimeOffset? VetoedAt, string? Guardian);

    public sealed record ProposalSummary(string Id, string Kind, string Title, string Proposer, string State, DateTimeOffset SubmittedAt);

    public static IEndpointRouteBuilder MapProposalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/proposals").WithTags("Proposals");
        api.MapPost("/", ProposeAsync);
        api.MapGet("/", ListAsync);
        api.MapGet("/{id}", GetAsync);
        return app;
    }

    // Not the client's to cancel once the signer's allowance is taken (see SignerQuota's remarks).
    public static async Task<IResult> ProposeAsync(ProposalRequest request, GovernanceDesk desk) =>
        DeskAnswers.For(await desk.ProposeAsync(request, CancellationToken.None), "/api/proposals/{0}");

    public static async Task<Results<Ok<ProposalView>, NotFound, ValidationProblem, ProblemHttpResult>> GetAsync(
        string id, IQuerySession session, GovernanceDesk desk, IOptions<GovernanceOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!Hex.TryDecode(id, out _, 32))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["a proposal id is a 32-byte 0x-prefixed hex string"] });
        var proposal = await session.LoadAsync<Proposal>(Proposal.StreamKey(id.ToLowerInvariant()), ct);
        if (proposal is null)
            return TypedResults.NotFound();
        try
        {
            return TypedResults.Ok(await ViewAsync(proposal, desk, GuardianOf(options.Value), clock.GetUtcNow(), ct));
        }
        catch (InvalidOperationException e)
        {
            // A tally counted again needs the snapshot's weights, which the history may not back (see EarnedWeights).
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Weights unavailable");
        }
    }

    /// <summary>Newest first; <c>state</c> filters on what the proposal is now.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ProposalSummary>>, ValidationProblem>> ListAsync(
        IQuerySession session, GovernanceDesk desk, TimeProvider clock, CancellationToken ct, string? state = null, int page = 1, int pageSize = 20)
    {
        var errors = new Dictionary<string, string[]>();
        ProposalState? wanted = null;
        if (state is not null)
        {
            if (Enum.TryParse<ProposalState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(state, out _))
                wanted = parsed;
            else
                errors["state"] = [$"one of {string.Join(", ", Enum.GetNames<ProposalState>().Select(n => n.ToLowerInvariant()))}"];
        }
        if (PageRequest.TryCreate(page, pageSize, MaxPageSize, errors) is not { } request || errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Bad proposal query");

        // Few proposals exist at a time; the state depends on the clock and the tally, so it is computed, not stored.
        var all = await session.Query<Proposal>().OrderByDescending(p => p.Submitted.SubmittedAt).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var summaries = new List<ProposalSummary>();
        foreach (var proposal in all)
        {
            var current = await StateAsync(proposal, desk, now, ct);
            if (wanted is null || current == wanted)
                summaries.Add(new ProposalSummary(proposal.ProposalId, proposal.Submitted.Kind, proposal.Submitted.Title,
                    proposal.Submitted.Proposer, current.ToString().ToLowerInvariant(), proposal.Submitted.SubmittedAt));
        }
        return TypedResults.Ok<IReadOnlyList<ProposalSummary>>(summaries.Skip(request.Skip).Take(request.PageSize).ToList());
    }

    private static async Task<ProposalState> StateAsync(Proposal proposal, GovernanceDesk desk, DateTimeOffset now, CancellationToken ct) =>
        ProposalLifecycle.StateAt(proposal.Timeline, await desk.TallyAsync(proposal, ct), now, proposal.Vetoed is not null, proposal.Activated is not null);

    /// <summary>The deployment's guardian (who may veto in a timelock), shown so a page can offer the veto to that wallet only.</summary>
    private static string? GuardianOf(GovernanceOptions options) =>
        Address.TryParse(options.Guardian, out var guardian) ? guardian : null;

    private static async Task<ProposalView> ViewAsync(Proposal proposal, GovernanceDesk desk, string? guardian, DateTimeOffset now, CancellationToken ct)
    {
        var tally = await desk.TallyAsync(proposal, ct);
        var state = ProposalLifecycle.StateAt(proposal.Timeline, tally, now, proposal.Vetoed is not null, proposal.Activated is not null);
        var deadline = proposal.Timeline.Deadline(tally.QuorumReachedAt);
        var s = proposal.Submitted;
        using var payload = JsonDocument.Parse(s.Payload);
        return new ProposalView(s.ProposalId, s.Proposer, s.Kind, s.Title, s.Body, s.BodyHash, payload.RootElement.Clone(), s.PayloadHash,
            state.ToString().ToLowerInvariant(),
            new TallyView(tally.For.ToString(), tally.Against.ToString(), tally.Abstain.ToString(), tally.TotalWeight.ToString(),
                tally.QuorumNeeded.ToString(), tally.QuorumReached, tally.QuorumReachedAt, tally.Passes),
            new TimelineView(s.SubmittedAt, s.VotingStartsAt, s.VotingEndsAt, deadline, proposal.Queued?.ActivatesAt ?? proposal.Timeline.ActivatesAt(deadline)),
            s.SnapshotEpoch, s.SnapshotClaimRoot, s.QuorumBasisPoints, s.ParametersVersion, proposal.VoteCount, proposal.Vetoed?.Reason,
            proposal.Vetoed?.Guardian, proposal.Vetoed?.VetoedAt, guardian);
    }
}
