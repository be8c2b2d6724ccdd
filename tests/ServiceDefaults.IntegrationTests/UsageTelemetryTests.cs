using CommunityAI.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// Every service's bus keeps MassTransit's usage telemetry off: left on, it sent each service's host and bus description
/// to the vendor's server (seen in the services' logs as failed reports to usage-tracking.masstransit.io).
/// </summary>
public sealed class UsageTelemetryTests
{
    [Fact]
    public async Task A_started_service_bus_reports_no_usage_telemetry()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:rabbitmq"] = await RabbitServer.CreateVirtualHostAsync("usage");
        builder.AddCommunityBus("usage-probe");
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
