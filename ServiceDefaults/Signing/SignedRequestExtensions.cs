using CommunityAI.Formats.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CommunityAI.ServiceDefaults.Signing;

/// <summary>Registers the one signed-request check, bound to the deployment configured in <see cref="SigningChainOptions"/>.</summary>
public static class SignedRequestExtensions
{
    public static IHostApplicationBuilder AddSignedRequestCheck(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SigningChainOptions>()
            .BindConfiguration(SigningChainOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new SignedRequestCheck(
            services.GetRequiredService<IOptions<SigningChainOptions>>().Value.ToDomain(), services.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
