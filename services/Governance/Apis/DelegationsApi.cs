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

    // Not the client's to cancel once the signer's allowance is taken (see SignerQuota's remarks).
    public static async Task<IResult> DelegateAsync(DelegationRequest request, GovernanceDesk desk) =>
        DeskAnswers.For(await desk.DelegateAsync(request, CancellationToken.None), "/api/voters/{0}");
}
