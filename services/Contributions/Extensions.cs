using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.IntegrationEvents.EventHandling;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;

namespace CommunityAI.Contributions;

internal static class Extensions
{
    public const string StreamPrefix = "contributions/";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntakeOptions>()
            .BindConfiguration(IntakeOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddHistoryStore("contributions", options =>
        {
            options.Events.AddEventType<ContributionSubmitted>();
            options.Schema.For<ContributionView>().Index(v => v.Contributor);
        });

        builder.AddCommunityBus("contributions", bus =>
        {
            bus.AddConsumer<ContributionScoredConsumer>();
            bus.AddConsumer<ContributionRewardedConsumer>();
        });

        builder.AddHistoryOutbox("contributions", StreamPrefix, routes => routes.Publish<ContributionSubmitted>());
    }
}
