using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Apis;

/// <summary>The reward policy in force, and publishing a new one (operators only, with the admin API key).</summary>
public static class PoliciesApi
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static IEndpointRouteBuilder MapPoliciesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/policies").WithTags("Policies");
        api.MapGet("/current", GetCurrentAsync);
        api.MapPost("/", PublishAsync).AddEndpointFilter(RequireApiKey);
        return app;
    }

    public static async Task<Ok<CommunityAI.Contracts.RewardPolicyPublished>> GetCurrentAsync(PolicyBook policies, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok((await policies.CurrentAsync(ct)).ToEvent(default));

    // The draft is read here, not bound as a parameter: bound parameters are read before endpoint filters run,
    // so a caller without the key would have had its body parsed (and its malformed JSON answered) first.
    public static async Task<Results<Created<CommunityAI.Contracts.RewardPolicyPublished>, ValidationProblem>> PublishAsync(
        HttpRequest request, PolicyBook policies, CancellationToken ct)
    {
        PolicyDraft? draft;
        try
        {
            draft = await request.ReadFromJsonAsync<PolicyDraft>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            draft = null;
        }
        if (draft is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["must be a JSON reward policy"] },
                title: "The reward policy is refused");

        var (policy, errors) = await policies.PublishAsync(draft, ct);
        return policy is null
            ? TypedResults.ValidationProblem(errors, title: "The reward policy is refused")
            : TypedResults.Created("/api/policies/current", policy.ToEvent(default));
    }

    // Runs before the handler, so no caller without the key ever reaches the policy rules or the store.
    private static async ValueTask<object?> RequireApiKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var configured = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(configured))
            return TypedResults.Problem("publishing policies is disabled: no admin API key is configured",
                statusCode: StatusCodes.Status403Forbidden, title: "Policy publishing disabled");
        var given = http.Request.Headers[ApiKeyHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(configured)))
            return TypedResults.Problem($"the {ApiKeyHeader} header is missing or wrong",
                statusCode: StatusCodes.Status401Unauthorized, title: "Not authorised");
        return await next(context);
    }
}
