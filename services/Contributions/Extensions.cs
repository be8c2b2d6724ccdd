using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Apis;
using CommunityAI.Contributions.Datasets;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Contributions.IntegrationEvents.EventHandling;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.ServiceDefaults.Secrets;
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
        builder.AddContentStore();
        builder.Services.AddOptions<DatasetOptions>()
            .BindConfiguration(DatasetOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DatasetHistory>();
        builder.Services.AddSingleton<DatasetRecorder>();
        builder.Services.AddSingleton<ModelRegistry>();
        // Who may build datasets: the operator's setting and the community's votes, both recorded in the history.
        builder.Services.AddSingleton<DatasetBuilders>();
        builder.Services.AddHostedService<ConfiguredDatasetBuilders>();
        builder.Services.AddLeaderLoop<DatasetBuilderFollower>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddSignedRequestCheck();
        builder.Services.AddSingleton<ContributionAppender>();
        builder.Services.AddSingleton<ContributorAllowance>();
        builder.Services.AddSingleton<BatchIntake>();
        // The licences the newest scoring policy allows (only a vote changes them after genesis), read from the history.
        builder.Services.AddSingleton<LicencesInForce>();
        builder.AddSignerQuota(ContributionsStore.Schema);
        builder.Services.AddOpenApi();

        builder.AddHistoryStore(ContributionsStore.Schema, ContributionsStore.Configure);
        // The views follow the history, never message bodies: scores, rewards and anchors are read from the streams
        // of the services that own them.
        builder.Services.AddSingleton(services => new ContributionViewProjector(
            services.GetRequiredService<Marten.IDocumentStore>(), services.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.Services.AddLeaderLoop<ContributionViewProjectorService>();
        builder.Services.AddLeaderLoop<ScoringContentHandoff>();

        builder.AddCommunityBus("contributions", bus =>
        {
            bus.AddConsumer<SubmitContributionConsumer, SubmitContributionConsumerDefinition>();
            bus.AddConsumer<SubmitContributionsConsumer, SubmitContributionsConsumerDefinition>();
        });

        builder.AddHistoryOutbox("contributions", StreamPrefix, routes => routes
            .Publish<ContributionSubmitted>()
            .Publish<ContributionRejected>()
            .Publish<ContributionErased>()
            .Publish<DatasetSnapshotted>());
    }

    /// <summary>
    /// The encrypted content store: master keys from a Dapr secret or configuration (read and checked at start), the
    /// store, the erasure writer, the history facts that decide who reads, and the leader's rewrap after a rotation.
    /// </summary>
    private static void AddContentStore(this IHostApplicationBuilder builder)
    {
        builder.AddDaprSecrets();
        builder.Services.AddOptions<ContentStoreOptions>()
            .BindConfiguration(ContentStoreOptions.Section)
            .PostConfigure(options =>
            {
                // Development, tests and benchmarks run without a secret; any other environment must configure one.
                if (options.MasterKeys.Count == 0 && string.IsNullOrWhiteSpace(options.MasterKeysSecretName)
                    && DevelopmentMasterKey.Applies(builder.Environment.EnvironmentName))
                    (options.MasterKeys[DevelopmentMasterKey.Id], options.ActiveMasterKey) = (DevelopmentMasterKey.Value, DevelopmentMasterKey.Id);
            })
            .ValidateDataAnnotations()
            .Validate<IOptions<DaprSecretStoreOptions>>((o, dapr) => !dapr.Value.Enabled || !string.IsNullOrWhiteSpace(o.MasterKeysSecretName),
                "ContentStore:MasterKeysSecretName must name the Dapr secret holding the master keys when Dapr:SecretStore is set")
            .Validate<IOptions<DaprSecretStoreOptions>>((o, dapr) => dapr.Value.Enabled || string.IsNullOrWhiteSpace(o.MasterKeysSecretName),
                "ContentStore:MasterKeysSecretName is set but Dapr:SecretStore is not: set the store, or configure ContentStore:MasterKeys instead")
            .ValidateOnStart();
        // The keys are read in IHostedLifecycleService.StartingAsync: before any loop or the bus starts and the server listens.
        builder.Services.AddSingleton<MasterKeySource>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MasterKeySource>());
        builder.Services.AddSingleton<ContentStore>();
        builder.Services.AddSingleton<Apis.ContentReadGate>();
        builder.Services.AddSingleton<ContentEraser>();
        builder.Services.AddSingleton<ContentFacts>();
        builder.Services.AddSingleton<RewrapStatus>();
        builder.Services.AddHealthChecks().AddCheck<RewrapStatus>("content-rewrap");
        builder.Services.AddLeaderLoop<ContentRewrapJob>();
        // Uploads in parts: encrypted parts under a key per upload, and the leader's deletion of abandoned ones.
        builder.Services.AddSingleton<UploadStore>();
        builder.Services.AddLeaderLoop<UploadSweepJob>();
    }
}
