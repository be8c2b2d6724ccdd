using CommunityAI.ChainBridge.Relaying;
using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.Checkpoints;
using CommunityAI.ChainBridge.ClaimRoots;
using CommunityAI.ChainBridge.IntegrationEvents.EventHandling;
using CommunityAI.ChainBridge.Log;
using CommunityAI.ChainBridge.Revenue;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.ServiceDefaults.Secrets;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge;

internal static class Extensions
{
    public const string StreamPrefix = "chain/";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<AnchorOptions>()
            .BindConfiguration(AnchorOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.RetryMaxDelay >= o.RetryInitialDelay, "Anchoring:RetryMaxDelay must be at least Anchoring:RetryInitialDelay")
            .ValidateOnStart();
        builder.Services.AddOptions<ClaimRootOptions>()
            .BindConfiguration(ClaimRootOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.RetryMaxDelay >= o.RetryInitialDelay, "ClaimRoots:RetryMaxDelay must be at least ClaimRoots:RetryInitialDelay")
            .ValidateOnStart();
        builder.Services.AddOptions<ChainOptions>()
            .BindConfiguration(ChainOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.RpcUrl = configuration.GetConnectionString("chain") ?? options.RpcUrl)
            .Validate(o => Uri.TryCreate(o.RpcUrl, UriKind.Absolute, out _), "ConnectionStrings:chain must be the chain's RPC URL")
            .Validate(o => o.HeadPoll >= ChainOptions.HeadPollRange.Shortest && o.HeadPoll <= ChainOptions.HeadPollRange.Longest,
                $"Chain:HeadPoll must be from {ChainOptions.HeadPollRange.Shortest} to {ChainOptions.HeadPollRange.Longest}")
            .ValidateOnStart();
        builder.Services.AddOptions<RevenueOptions>().BindConfiguration(RevenueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // The key itself is checked when it is read (AnchorerKeySource): it may come from Dapr instead of configuration.
        builder.AddDaprSecrets();
        builder.Services.AddOptions<BridgeKeySecretOptions>()
            .BindConfiguration(BridgeKeySecretOptions.Section)
            .Validate<IOptions<DaprSecretStoreOptions>>((o, store) => !store.Value.Enabled || !string.IsNullOrWhiteSpace(o.AnchorerKeySecretName),
                "Dapr:AnchorerKeySecretName must name the anchoring key's secret when Dapr:SecretStore is set")
            .ValidateOnStart();

        builder.AddHistoryStore("chainbridge_docs", options =>
        {
            options.Events.AddEventType<TreeHeadAnchored>();
            options.Events.AddEventType<TreeHeadConfirmed>();
            options.Events.AddEventType<TreeHeadAnchorDropped>();
            options.Events.AddEventType<ClaimRootPublished>();
            options.Events.AddEventType<ClaimRootDropped>();
            options.Events.AddEventType<AnchoringHalted>();
            options.Events.AddEventType<ContractsDeployed>();
            options.Events.AddEventType<DatasetPaid>();
            options.Schema.For<AnchorView>().Identity(a => a.Id);
        });
        builder.Services.AddSingleton<LogStore>();
        builder.Services.AddSingleton<LogGauges>();
        builder.Services.AddSingleton<LogPulse>();
        builder.AddCheckpoints();
        builder.Services.AddSingleton<AnchorerKeySource>();
        builder.Services.AddSingleton<ChainConnection>();
        // Reads the key before any other service starts (IHostedLifecycleService.StartingAsync).
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChainConnection>());
        builder.Services.AddSingleton(sp => new ChainHead(() => sp.GetRequiredService<ChainConnection>().Sender.Web3,
            sp.GetRequiredService<IOptions<ChainOptions>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<AnchorHistory>();
        builder.Services.AddSingleton<AnchoringHalt>();
        builder.Services.AddSingleton<ForeignHistoryGuard>();
        builder.Services.AddSingleton<DeploymentHistory>();
        builder.Services.AddSingleton<ContractSetup>();
        builder.Services.AddHealthChecks().AddCheck<ChainHealthCheck>("chain", tags: ["ready"]);
        // The log's tables exist before the first request and before any loop (registered ahead of the loops).
        builder.Services.AddHostedService<LogSchema.Setup>();
        builder.Services.AddLeaderLoop<LogWriter>();
        builder.Services.AddLeaderLoop<LogNoticePublisher>();
        builder.Services.AddLeaderLoop<AnchorScheduler>();
        builder.Services.AddSingleton<ClaimRootHistory>();
        builder.Services.AddLeaderLoop<ClaimRootKeeper>();
        builder.Services.AddSingleton<PaymentRecorder>();
        builder.Services.AddOptions<RelayerOptions>().BindConfiguration(RelayerOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Enabled || AnchorerKeyFormat.Normalize(o.Key!, out _) is not null, "Relayer:Key must be a 32-byte hex private key")
            .ValidateOnStart();
        builder.AddSignerQuota("chainbridge_docs");
        builder.Services.AddSingleton<ClaimRelayer>();
        builder.Services.AddLeaderLoop<RevenueWatcher>();

        builder.AddCommunityBus("chain-bridge", bus => bus.AddConsumer<EpochClosedConsumer, EpochClosedConsumerDefinition>());
        builder.AddHistoryOutbox("chain-bridge", StreamPrefix, routes => routes.Publish<TreeHeadAnchored>().Publish<ClaimRootPublished>());
    }
}
