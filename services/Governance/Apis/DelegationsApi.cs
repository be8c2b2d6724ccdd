using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;

namespace CommunityAI.Governance.Apis;

/// <summary>Signed delegations of voting weight; the zero address as delegatee revokes.</summary>
public static class DelegationsApi
{
    public static IEndpointRouteBuilder MapDelegationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/delegations").WithTags("Delegations").MapPost("/", DelegateAsync);
        return app;
    }

    public static async Task<IResult> DelegateAsync(DelegationRequest request, GovernanceDesk desk, CancellationToken ct) =>
        DeskAnswers.For(await desk.DelegateAsync(request, ct), "/api/voters/{0}");
}
