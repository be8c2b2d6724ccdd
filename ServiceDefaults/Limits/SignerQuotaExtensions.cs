using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CommunityAI.ServiceDefaults.Limits;

public static class SignerQuotaExtensions
{
    /// <summary>
    /// Registers <see cref="SignerQuota"/> with its table in <paramref name="serviceSchema"/> (the service's own), created
    /// before the service takes requests. Needs the history store's data source (AddHistoryStore).
    /// </summary>
    public static IHostApplicationBuilder AddSignerQuota(this IHostApplicationBuilder builder, string serviceSchema)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new SignerQuota(
            services.GetRequiredService<NpgsqlDataSource>(), serviceSchema, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<SignerQuotaTable>();
        return builder;
    }

    private sealed class SignerQuotaTable(SignerQuota quota) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => quota.EnsureTableAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
