using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Apis;

/// <summary>An appeal of a contribution's score by its contributor or a first-round reviewer, which starts a second round of review.</summary>
public static class AppealsApi
{
    /// <summary>Answer to an accepted appeal: its id, the second round's panel and deadlines.</summary>
    public sealed record AppealResult(string AppealId, string ContributionId, IReadOnlyList<string> Reviewers, int Quorum,
        DateTimeOffset CommitClosesAt, DateTimeOffset WindowClosesAt);

    /// <summary>
    /// Whether an address may appeal a contribution's score now (the rules <c>POST /api/appeals</c> applies, short of the
    /// signature, the nonce and the allowance), and until when; or the refusal it would get.
    /// </summary>
    public sealed record AppealStanding(bool MayAppeal, string? Role, string? Refusal, string? Detail, DateTimeOffset? AppealClosesAt);

    public static IEndpointRouteBuilder MapAppealsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Appeals");
        api.MapPost("/appeals", FileAsync);
        api.MapGet("/appeals/standing", StandingAsync);
        return app;
    }

    public static async Task<Results<Ok<AppealStanding>, ValidationProblem>> StandingAsync(string? contributionId, string? appellant,
        Marten.IQuerySession session, TimeProvider clock, IOptions<ScoringOptions> options, CancellationToken ct)
    {
        if (!Address.TryParse(appellant, out var address))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["appellant"] = ["must be a 20-byte 0x-prefixed hex address"] }, title: "Invalid address");
        if (contributionId is null || !Hex.TryDecode(contributionId, out _, 32))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contributionId"] = ["must be 0x-prefixed 32-byte hex"] }, title: "Invalid contribution id");
        var @case = await session.LoadAsync<ScoringCase>(contributionId.ToLowerInvariant(), ct);
        var admission = await session.LoadAsync<ValidatorAdmission>(address, ct);
        var invalidated = await session.LoadAsync<InvalidatedContribution>(contributionId.ToLowerInvariant(), ct);
        var (role, refused) = AppealDesk.Standing(@case, address, admission, invalidated, clock.GetUtcNow(), options.Value);
        var scoredAt = (@case?.First?.Scored ?? @case?.Scored)?.ScoredAt;
        return TypedResults.Ok(new AppealStanding(refused is null, role, refused?.Title, refused?.Detail, scoredAt + options.Value.AppealWindow));
    }

    public static async Task<Results<Created<AppealResult>, ValidationProblem, ProblemHttpResult>> FileAsync(
        AppealRequest request, AppealDesk desk, SignedRequestCheck check, SignerQuota quota, IOptions<ScoringOptions> options, CancellationToken ct)
    {
        switch (SignedIntake.Appeal(request, check))
        {
            case SignedIntake.Decision<AppealPayload>.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors, title: "The appeal is malformed");
            case SignedIntake.Decision<AppealPayload>.Unsigned unsigned:
                return SigningProblems.Unauthorized(unsigned.Error);
            case SignedIntake.Decision<AppealPayload>.Accept(var payload):
                // Counted only for a verified signer: nobody can use up another's allowance.
                if (await quota.TakeAsync("appeal", payload.Appellant, options.Value.AppealsPerSigner, options.Value.AppealQuotaWindow, ct) is not { } taken)
                    return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many appeals", "signature",
                        $"the appellant has filed {options.Value.AppealsPerSigner} appeals within {options.Value.AppealQuotaWindow}; try again later");
                var appealId = Hex.Encode(TypedDataSigner.Digest(payload, check.Domain));
                // Not the client's to cancel once the allowance is taken (see SignerQuota's remarks).
                var outcome = await desk.FileAsync(payload, appealId, request.Signature!, CancellationToken.None);
                // The appeal filed before, sent again (anyone can, from the history): it uses none of the allowance.
                if (outcome is AppealDesk.Outcome.Refused { Again: true })
                    await quota.GiveBackAsync("appeal", [payload.Appellant], taken.Window, CancellationToken.None);
                return outcome switch
                {
                    AppealDesk.Outcome.Filed f => TypedResults.Created($"/api/scoring/{f.Appeal.ContributionId}",
                        new AppealResult(f.Appeal.AppealId, f.Appeal.ContributionId, [.. f.Panel.Reviewers.Select(r => r.Validator)], f.Panel.Quorum,
                            f.Panel.CommitClosesAt, f.Panel.WindowClosesAt)),
                    AppealDesk.Outcome.Refused r => Problems.Of(r.Status, r.Title, r.Field, r.Detail),
                    _ => throw new InvalidOperationException("unknown appeal outcome"),
                };
            default:
                throw new InvalidOperationException("unknown appeal decision");
        }
    }
}
