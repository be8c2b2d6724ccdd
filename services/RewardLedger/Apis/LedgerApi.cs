using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Apis;

/// <summary>Accounts, epochs and claim proofs: everything a contributor or the distributor's publisher needs to read.</summary>
public static class LedgerApi
{
    public const int MaxPageSize = 200;

    public sealed record AccountView(string Address, string Balance, long Entries, int Page, int PageSize, IReadOnlyList<JournalEntry> Items);

    public sealed record EpochView(long Epoch, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset ClosedAt,
        string CreditedInEpoch, string CumulativeTotal, int Accounts, string ClaimRoot);

    public sealed record ClaimView(string Address, string Amount, long Epoch, string Root, IReadOnlyList<string> Proof);

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Ledger");
        api.MapGet("/accounts/{address}", GetAccountAsync);
        api.MapGet("/epochs/{epoch}", GetEpochAsync);
        api.MapGet("/claims/{address}", GetClaimAsync);
        return app;
    }

    public static async Task<Results<Ok<AccountView>, NotFound, ValidationProblem>> GetAccountAsync(
        string address, IQuerySession session, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Address.TryParse(address, out var checksummed))
            errors["address"] = [AddressRule(address)];
        var paging = PageRequest.TryCreate(page, pageSize, MaxPageSize, errors);
        if (paging is not { } request || errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Invalid account query");

        var account = await session.LoadAsync<LedgerAccount>(checksummed, ct);
        if (account is null)
            return TypedResults.NotFound();
        // Newest first; Number is dense per account, so paging is stable while new credits arrive.
        var items = await session.Query<JournalEntry>()
            .Where(e => e.Contributor == checksummed)
            .OrderByDescending(e => e.Number)
            .Skip(request.Skip).Take(request.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new AccountView(checksummed, account.Balance, account.Entries, page, pageSize, items));
    }

    public static async Task<Results<Ok<EpochView>, NotFound, ValidationProblem>> GetEpochAsync(
        long epoch, IQuerySession session, IOptions<EpochOptions> options, CancellationToken ct)
    {
        if (epoch < 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["epoch"] = ["an epoch is 0 or more"] }, title: "Invalid epoch");
        var closed = await session.LoadAsync<ClosedEpoch>(epoch, ct);
        if (closed is null)
            return TypedResults.NotFound();
        var e = closed.Closed;
        return TypedResults.Ok(new EpochView(epoch, options.Value.StartOf(epoch), options.Value.EndOf(epoch), e.ClosedAt,
            e.CreditedInEpoch, e.CumulativeTotal, e.Accounts, e.ClaimRoot));
    }

    /// <summary>The proof against the newest closed epoch's root: the distributor accepts proofs for its latest root only.</summary>
    public static async Task<Results<Ok<ClaimView>, NotFound<ProblemDetails>, ValidationProblem>> GetClaimAsync(
        string address, IQuerySession session, ClaimTreeCache trees, CancellationToken ct)
    {
        if (!Address.TryParse(address, out var checksummed))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["address"] = [AddressRule(address)] }, title: "Invalid address");
        var state = await session.LoadAsync<EpochState>(EpochState.Key, ct);
        // The state only says which epoch is newest; the claims themselves come from the history (ClaimTreeCache).
        var closed = state is null || state.LastClosed < 0 ? null : await trees.GetAsync(state.LastClosed, ct);
        if (closed is null)
            return TypedResults.NotFound(new ProblemDetails { Title = "No epoch has closed yet", Status = StatusCodes.Status404NotFound });
        if (closed.Tree is not { } tree || !tree.Contains(checksummed))
            return TypedResults.NotFound(new ProblemDetails
            {
                Title = "No claim for this address",
                Detail = $"{checksummed} has earned nothing up to epoch {closed.Closed.Epoch}",
                Status = StatusCodes.Status404NotFound,
            });
        return TypedResults.Ok(new ClaimView(checksummed, TokenAmount.Format(tree.GetAmount(checksummed)), closed.Closed.Epoch,
            closed.Closed.ClaimRoot, tree.GetProof(checksummed)));
    }

    private static string AddressRule(string address)
    {
        try
        {
            Address.Parse(address);
            return "not an address";
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }
}
