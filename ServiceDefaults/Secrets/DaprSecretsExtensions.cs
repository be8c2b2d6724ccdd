using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.ServiceDefaults.Secrets;

public static class DaprSecretsExtensions
{
    /// <summary>
    /// The one way a service reads a secret from Dapr: <see cref="DaprSecretStoreOptions"/> (validated at start) and
    /// <see cref="DaprSecretReader"/>. The service validates the names of its own secrets against
    /// <see cref="DaprSecretStoreOptions.Enabled"/>.
    /// </summary>
    public static IHostApplicationBuilder AddDaprSecrets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DaprSecretStoreOptions>()
            .BindConfiguration(DaprSecretStoreOptions.Section)
            .Validate(o => o.SidecarTimeout > TimeSpan.Zero && o.SidecarTimeout <= TimeSpan.FromMinutes(10),
                "Dapr:SidecarTimeout must be between 0 and 10 minutes")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<DaprSecretReader>();
        return builder;
    }
}
