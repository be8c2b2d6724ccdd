using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.QualityScoring.Apis;

/// <summary>Validator registration (signed, admitted addresses only), reputation and history, and open assignments.</summary>
public static class ValidatorsApi
{
    public const int MaxAssignments = 200;

    /// <summary>An open assignment: commit by <paramref name="CommitClosesAt"/>, reveal by <paramref name="WindowClosesAt"/>.</summary>
    public sealed record AssignmentView(string ContributionId, DateTimeOffset WindowClosesAt, DateTimeOffset? CommitClosesAt, bool Committed);

    /// <summary>How many of a validator's reputation changes its answer lists, newest first; the rest are in the history.</summary>
    public const int RecentLimit = 50;

    /// <summary>A validator as the portal shows it: its view, and its latest reputation changes read from its own stream.</summary>
    public sealed record ValidatorAnswer(string Id, decimal Reputation, DateTimeOffset RegisteredAt, int ReviewsSubmitted, int ConsensusReached,
        IReadOnlyList<ReputationChanged> RecentChanges, DateTimeOffset LastSeenAt, int AtFloor)
    {
        public static ValidatorAnswer Of(ValidatorView view, IReadOnlyList<ReputationChanged> recent) =>
            new(view.Id, view.Reputation, view.RegisteredAt, view.ReviewsSubmitted, view.ConsensusReached, recent, view.LastSeenAt, view.AtFloor);
    }

    public static IEndpointRouteBuilder MapValidatorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/validators").WithTags("Validators");
        api.MapPost("/", RegisterAsync);
        api.MapGet("/{address}", GetAsync);
        api.MapGet("/{address}/assignments", GetAssignmentsAsync);
        return app;
    }

    public static async Task<Results<Created<ValidatorAnswer>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegistrationRequest request, ValidatorRegistry registry, SignedRequestCheck check, CancellationToken ct)
    {
        switch (SignedIntake.Registration(request, check))
        {
            case SignedIntake.Decision<ValidatorRegistrationPayload>.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The registration is malformed");
            case SignedIntake.Decision<ValidatorRegistrationPayload>.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            case SignedIntake.Decision<ValidatorRegistrationPayload>.Accept(var registration):
                return await registry.RegisterAsync(registration, request.Signature!, ct) switch
                {
                    (ValidatorRegistry.Outcome.Registered, { } registered) =>
                        TypedResults.Created($"/api/validators/{registered.Validator}", ValidatorAnswer.Of(ValidatorView.Create(registered), [])),
                    (ValidatorRegistry.Outcome.NotAdmitted, _) => Problems.Of(StatusCodes.Status403Forbidden, "Not admitted", "validator",
                        "this address is not an admitted validator; validators are admitted by a passed validator-admission proposal (or the genesis set)"),
                    _ => Problems.Of(StatusCodes.Status409Conflict, "Already registered", "validator", "this address is already a registered validator"),
                };
            default:
                throw new InvalidOperationException("unknown registration decision");
        }
    }

    public static async Task<Results<Ok<ValidatorAnswer>, NotFound, ValidationProblem>> GetAsync(string address, IQuerySession session, CancellationToken ct)
    {
        if (!Address.TryParse(address, out var validator))
            return InvalidAddress();
        if (await session.LoadAsync<ValidatorView>(validator, ct) is not { } view)
            return TypedResults.NotFound();
        // The stream's newest changes by the (stream, version) index: a read of fifty rows however long the history.
        var recent = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == CaseFinaliser.ValidatorStream(view.Id) && e.EventTypeName == ReputationChangedType)
            .OrderByDescending(e => e.Version).Take(RecentLimit).ToListAsync(ct);
        return TypedResults.Ok(ValidatorAnswer.Of(view, [.. recent.Select(e => (ReputationChanged)e.Data)]));
    }

    private static readonly string ReputationChangedType = OutboxRoutes.EventTypeName(typeof(ReputationChanged));

    /// <summary>Assignments the validator can still review, soonest closing first.</summary>
    public static async Task<Results<Ok<IReadOnlyList<AssignmentView>>, NotFound, ValidationProblem>> GetAssignmentsAsync(
        string address, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (!Address.TryParse(address, out var validator))
            return InvalidAddress();
        if (await session.LoadAsync<ValidatorView>(validator, ct) is null)
            return TypedResults.NotFound();
        var now = clock.GetUtcNow();
        // A case whose commit deadline passed before this validator committed is left out: it can do nothing there, and
        // a validator back from an absence found its list full of such cases (soonest closing first) and never reached
        // the ones it could still review.
        var open = await OpenAssignments(session, validator, now).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<AssignmentView>>(open.Select(a => new AssignmentView(a.ContributionId, a.WindowClosesAt, a.CommitClosesAt, a.Committed)).ToList());
    }

    /// <summary>
    /// The assignments a validator can still act on, soonest closing first. Each validator polls it; it reads through the
    /// index on open assignments (Extensions), so its cost stays with what is open, not with every assignment ever made.
    /// </summary>
    public static IQueryable<Assignment> OpenAssignments(IQuerySession session, string validator, DateTimeOffset now) =>
        session.Query<Assignment>()
            .Where(a => a.Validator == validator && a.Open && a.WindowClosesAt > now
                        && (a.Committed || a.CommitClosesAt == null || a.CommitClosesAt > now))
            .OrderBy(a => a.WindowClosesAt).Take(MaxAssignments);

    private static ValidationProblem InvalidAddress() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["address"] = ["must be a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)"] },
        title: "Invalid address");
}
