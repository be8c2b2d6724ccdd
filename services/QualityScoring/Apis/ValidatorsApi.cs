using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.QualityScoring.Apis;

/// <summary>Validator registration (signed, admitted addresses only), reputation and history, and open assignments.</summary>
public static class ValidatorsApi
{
    public const int MaxAssignments = 200;

    /// <summary>An open assignment: commit by <paramref name="CommitClosesAt"/>, reveal by <paramref name="WindowClosesAt"/>.</summary>
    public sealed record AssignmentView(string ContributionId, DateTimeOffset WindowClosesAt, DateTimeOffset? CommitClosesAt, bool Committed);

    public static IEndpointRouteBuilder MapValidatorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/validators").WithTags("Validators");
        api.MapPost("/", RegisterAsync);
        api.MapGet("/{address}", GetAsync);
        api.MapGet("/{address}/assignments", GetAssignmentsAsync);
        return app;
    }

    public static async Task<Results<Created<ValidatorView>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
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
                        TypedResults.Created($"/api/validators/{registered.Validator}", ValidatorView.Create(registered)),
                    (ValidatorRegistry.Outcome.NotAdmitted, _) => Problems.Of(StatusCodes.Status403Forbidden, "Not admitted", "validator",
                        "this address is not an admitted validator; validators are admitted by a passed validator-admission proposal (or the genesis set)"),
                    _ => Problems.Of(StatusCodes.Status409Conflict, "Already registered", "validator", "this address is already a registered validator"),
                };
            default:
                throw new InvalidOperationException("unknown registration decision");
        }
    }

    public static async Task<Results<Ok<ValidatorView>, NotFound, ValidationProblem>> GetAsync(string address, IQuerySession session, CancellationToken ct)
    {
        if (!Address.TryParse(address, out var validator))
            return InvalidAddress();
        return await session.LoadAsync<ValidatorView>(validator, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
    }

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
        var open = await session.Query<Assignment>()
            .Where(a => a.Validator == validator && a.Open && a.WindowClosesAt > now
                        && (a.Committed || a.CommitClosesAt == null || a.CommitClosesAt > now))
            .OrderBy(a => a.WindowClosesAt).Take(MaxAssignments).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<AssignmentView>>(open.Select(a => new AssignmentView(a.ContributionId, a.WindowClosesAt, a.CommitClosesAt, a.Committed)).ToList());
    }

    private static ValidationProblem InvalidAddress() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["address"] = ["must be a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)"] },
        title: "Invalid address");
}
