using CommunityAI.Contracts;
using CommunityAI.QualityScoring.IntegrationEvents.EventHandling;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;

namespace CommunityAI.QualityScoring;

internal static class Extensions
{
    public const string StreamPrefix = "scoring/";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddHistoryStore("scoring", options => options.Events.AddEventType<ContributionScored>());
        builder.AddCommunityBus("quality-scoring", bus => bus.AddConsumer<ContributionSubmittedConsumer>());
        builder.AddHistoryOutbox("quality-scoring", StreamPrefix, routes => routes.Publish<ContributionScored>());
    }
}
