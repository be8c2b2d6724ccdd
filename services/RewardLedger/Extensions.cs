using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.IntegrationEvents.EventHandling;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;

namespace CommunityAI.RewardLedger;

internal static class Extensions
{
    public const string StreamPrefix = "ledger/";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<EpochOptions>().BindConfiguration(EpochOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddHistoryStore("ledger", options => options.Events.AddEventType<ContributionRewarded>());
        builder.AddCommunityBus("reward-ledger", bus => bus.AddConsumer<ContributionScoredConsumer>());
        builder.AddHistoryOutbox("reward-ledger", StreamPrefix, routes => routes.Publish<ContributionRewarded>());
    }
}
