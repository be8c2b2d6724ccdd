using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>MassTransit over RabbitMQ, configured once for every service.</summary>
public static class BusExtensions
{
    /// <summary>Connection string name of the broker (amqp://user:pass@host:port/vhost), set by the AppHost or Kubernetes.</summary>
    public const string ConnectionName = "rabbitmq";

    /// <param name="queuePrefix">The service's name: its queues are named "{prefix}-{consumer}".</param>
    public static IHostApplicationBuilder AddCommunityBus(
        this IHostApplicationBuilder builder, string queuePrefix, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured.");
        var prefetch = builder.Configuration.GetValue("Bus:PrefetchCount", 200);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(queuePrefix, includeNamespace: false));
            consumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                // The default follows the CPU count, far too low on small nodes; confirms stay on (the default).
                rabbit.PrefetchCount = prefetch;
                rabbit.ConfigureEndpoints(context);
            });
        });

        // Start-up waits for the bus, so queues and bindings exist before the outbox publishes anything.
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        return builder;
    }
}
