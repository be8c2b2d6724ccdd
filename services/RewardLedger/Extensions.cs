using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.RewardLedger.IntegrationEvents.EventHandling;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using Marten;

namespace CommunityAI.RewardLedger;

public static class Extensions
{
    public const string StreamPrefix = "ledger/";

    /// <summary>The service's read-model schema.</summary>
    public const string Schema = "ledger";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<EpochOptions>().BindConfiguration(EpochOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RewardGenesisOptions>().BindConfiguration(RewardGenesisOptions.Section);
        builder.AddHistoryStore(Schema, ConfigureLedgerStore);
        builder.Services.AddSingleton<RewardPolicyBook>();
        builder.Services.AddSingleton<ContributionEvidence>();
        builder.Services.AddSingleton<CreditWriter>();
        builder.Services.AddSingleton<EpochCloser>();
        builder.Services.AddSingleton<ClaimTreeCache>();
        builder.Services.AddLeaderLoop<DueEpochCloser>();
        // Scores are credited from the history itself, not from bus notices (see ScoreFollower).
        builder.Services.AddLeaderLoop<ScoreFollower>();
        // Invalidations passed by governance reverse rewards, also from the history (see InvalidationFollower).
        builder.Services.AddSingleton<RewardReverser>();
        builder.Services.AddLeaderLoop<InvalidationFollower>();
        // Decided appeals settle the difference their final score makes, from the history too (see AppealFollower).
        builder.Services.AddSingleton<AppealSettler>();
        builder.Services.AddLeaderLoop<AppealFollower>();
        // Contributed models' measured gains are credited from the history too (see GainFollower).
        builder.Services.AddSingleton<GainCrediter>();
        builder.Services.AddLeaderLoop<GainFollower>();
        // And the measured value of each round's new data and feedback (see DataValueFollower).
        builder.Services.AddSingleton<DataValueCrediter>();
        builder.Services.AddLeaderLoop<DataValueFollower>();
        // Builders' payments are split from the history too (see RevenueSplitService).
        builder.Services.AddSingleton<RevenueFacts>();
        builder.Services.AddSingleton<RevenueSplitter>();
        builder.Services.AddLeaderLoop<RevenueSplitService>();
        builder.AddCommunityBus("reward-ledger", bus => bus.AddConsumer<PolicyActivatedConsumer>());
        builder.AddHistoryOutbox("reward-ledger", StreamPrefix, routes => routes
            .Publish<ContributionRewarded>()
            .Publish<EpochClosed>());
    }

    /// <summary>The ledger's events and read models; shared with the benchmark so it measures the same store.</summary>
    public static void ConfigureLedgerStore(StoreOptions options)
    {
        options.Events.AddEventType<ContributionRewarded>();
        options.Events.AddEventType<EpochClosed>();
        options.Events.AddEventType<RewardPolicyPublished>();
        options.Events.AddEventType<RevenueSplit>();
        options.Events.AddEventType<ValidatorsRewarded>();
        options.Events.AddEventType<RewardAdjusted>();
        options.Events.AddEventType<AppealSettled>();
        options.Events.AddEventType<ModelGainRewarded>();
        options.Events.AddEventType<ModelGainReversed>();
        options.Events.AddEventType<DataValueRewarded>();
        options.Events.AddEventType<DataValueReversed>();
        options.Schema.For<JournalEntry>().Index(e => e.Contributor).Index(e => e.Epoch);
        options.Schema.For<LedgerAccount>();
        options.Schema.For<EpochState>();
        options.Schema.For<ClosedEpoch>().Identity(e => e.Id);
        options.Schema.For<FollowerCheckpoint>().Identity(c => c.Id);
        options.Schema.For<InvalidatedContribution>().Identity(c => c.Id);
    }
}
