using System.Threading.RateLimiting;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Apis;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Contributions.IntegrationEvents.EventHandling;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.ServiceDefaults.Signing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions;

internal static class Extensions
{
    public const string StreamPrefix = ContributionAppender.StreamPrefix;

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntakeOptions>()
            .BindConfiguration(IntakeOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddSignedRequestCheck();
        builder.Services.AddSingleton<ContributionAppender>();
        builder.Services.AddSingleton<ContributorRateLimiter>();
        builder.AddClientAddressRateLimit();
        builder.Services.AddOpenApi();

        builder.AddHistoryStore("contributions", options =>
        {
            options.Events.AddEventType<ContributionSubmitted>();
            options.Events.AddEventType<ContributionRejected>();
            options.Schema.For<ContributionView>().Index(v => v.Contributor);
        });

        builder.AddCommunityBus("contributions", bus =>
        {
            bus.AddConsumer<ContributionScoredConsumer>();
            bus.AddConsumer<ContributionRewardedConsumer>();
            bus.AddConsumer<LogEntriesAppendedConsumer>();
            bus.AddConsumer<TreeHeadAnchoredConsumer>();
            bus.AddConsumer<SubmitContributionConsumer, SubmitContributionConsumerDefinition>();
        });

        builder.AddHistoryOutbox("contributions", StreamPrefix, routes => routes
            .Publish<ContributionSubmitted>()
            .Publish<ContributionRejected>());
    }

    /// <summary>Per client IP address on submissions, answered with a 429 problem.</summary>
    private static void AddClientAddressRateLimit(this IHostApplicationBuilder builder) =>
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(ContributionsApi.ClientAddressPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.PerClientAddress, Window = limits.Window, QueueLimit = 0 });
            });
            limiter.OnRejected = async (rejected, ct) =>
            {
                var problems = rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many submissions",
                        Detail = "too many submissions from this client address; retry later",
                        Extensions = { ["field"] = "clientAddress" },
                    },
                });
            };
        });
}
