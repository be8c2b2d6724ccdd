using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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
        builder.Services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ConfirmedPublisher>();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(queuePrefix, includeNamespace: false));
            // MassTransit 8.4+ reports how each bus is configured (host, framework, endpoints) to its vendor's server a few
            // minutes after start unless told not to; a service of ours talks to no one its operator did not configure.
            bus.DisableUsageTelemetry();
            consumers?.Invoke(bus);
            // A faulted message goes to its endpoint's error queue; a Fault<T> event besides would need every service to
            // declare and publish on shared MassTransit:Fault exchanges (carrying message bodies) that nobody consumes.
            bus.AddConfigureEndpointsCallback((_, endpoint) => endpoint.PublishFaults = false);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<BusOptions>>().Value;
                rabbit.Host(new Uri(connectionString));
                // The default follows the CPU count, far too low on small nodes; confirms stay on (the default).
                rabbit.PrefetchCount = options.PrefetchCount;
                // Without a limit every prefetched message runs at once: after a broker outage the whole backlog
                // opened a database transaction each and PostgreSQL refused connections ("too many clients").
                rabbit.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                // A handler that failed for a passing reason is tried again in place; without this, one refused
                // connection sent an accepted contribution to the error queue, never to be scored or credited.
                // Anything else (a malformed message, a broken rule) still goes to the error queue at once.
                rabbit.UseMessageRetry(retry =>
                {
                    retry.Handle<Exception>(TransientFailures.IsTransient);
                    retry.Intervals(TransientRetrySchedule.For(options.TransientRetryWindow));
                });
                rabbit.ConfigureEndpoints(context);
            });
        });

        // Start-up waits for the bus, so queues and bindings exist before the outbox publishes anything, but at most
        // Bus:StartTimeout: without it a broker that never answers kept the start waiting for ever, silently. Stopping
        // is bounded too: without a timeout a receive endpoint whose broker connection was lost and recovered can wait
        // for ever to stop (seen in a fault test: the service never finished shutting down after a broker restart);
        // 20 s stays inside the host's 30 s shutdown and the pod's grace period.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure<IOptions<BusOptions>>((options, bus) =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = bus.Value.StartTimeout;
            options.StopTimeout = TimeSpan.FromSeconds(20);
        });
        return builder;
    }
}
