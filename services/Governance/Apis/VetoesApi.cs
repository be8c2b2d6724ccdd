using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;

namespace CommunityAI.Governance.Apis;

/// <summary>The guardian's signed veto of a passed proposal during its timelock; the proposal then never activates.</summary>
public static class VetoesApi
{
    public static IEndpointRouteBuilder MapVetoesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/vetoes").WithTags("Vetoes").MapPost("/", VetoAsync);
        return app;
    }

    public static async Task<IResult> VetoAsync(VetoRequest request, GovernanceDesk desk, CancellationToken ct) =>
        DeskAnswers.For(await desk.VetoAsync(request, ct), "/api/proposals/" + request.ProposalId?.ToLowerInvariant());
}
