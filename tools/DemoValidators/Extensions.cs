using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.DemoValidators;

public static class Extensions
{
    /// <summary>
    /// The crew, its chain (the EIP-712 domain it signs in, section <c>Chain</c> as every service reads it) and
    /// quality-scoring's address in Aspire's service-discovery shape (<c>services:quality-scoring:api:0</c>).
    /// </summary>
    public static void AddDemoCrew(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SigningChainOptions>().BindConfiguration(SigningChainOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var scoring = builder.Configuration["services:quality-scoring:api:0"] ?? "http://localhost:5102";
        builder.Services.AddHttpClient(DemoCrewService.ScoringClient, http => http.BaseAddress = new Uri(scoring));
        builder.Services.AddHostedService<DemoCrewService>();
    }
}
