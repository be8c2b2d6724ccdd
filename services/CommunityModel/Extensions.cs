using CommunityAI.ServiceDefaults.Background;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Signing;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel;

public static class Extensions
{
    /// <summary>The service's read-model schema (stored models and predictions).</summary>
    public const string Schema = "model";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ModelOptions>()
            .BindConfiguration(ModelOptions.Section)
            .PostConfigure(options =>
            {
                // Development and tests run without a secret; any other environment must configure the builder key.
                if (string.IsNullOrEmpty(options.BuilderKey) && DevelopmentBuilderKey.Applies(builder.Environment.EnvironmentName))
                    options.BuilderKey = DevelopmentBuilderKey.Value;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The chain setting: snapshot and export requests are signed in the deployment's EIP-712 domain.
        builder.AddSignedRequestCheck();
        builder.AddHistoryStore(Schema, ConfigureModelStore);
        builder.Services.AddHttpClient<DatasetClient>((services, http) =>
            http.BaseAddress = services.GetRequiredService<IOptions<ModelOptions>>().Value.ContributionsUrl);
        builder.Services.AddSingleton<ModelHistory>();
        builder.Services.AddSingleton<Champion>();
        builder.Services.AddSingleton<EvaluationPeriods>();
        builder.Services.AddSingleton<EvaluatorSandbox>();
        builder.Services.AddSingleton<ContributedModels>();
        builder.Services.AddSingleton<TrainingRound>();
        // A round by itself every Model:TrainEvery on one replica (a day unless set; set empty, rounds run on request only).
        if (builder.Configuration[$"{ModelOptions.Section}:{nameof(ModelOptions.TrainEvery)}"] is not "")
            builder.Services.AddLeaderLoop<ScheduledTraining>();
    }

    /// <summary>The model's event and documents.</summary>
    public static void ConfigureModelStore(StoreOptions options)
    {
        options.Events.AddEventType<ModelTrained>();
        options.Events.AddEventType<ModelEvaluated>();
        options.Events.AddEventType<DataValued>();
        options.Events.AddEventType<ModelContributionEvaluated>();
        options.Events.AddEventType<EvaluationSplitCommitted>();
        options.Events.AddEventType<EvaluationSplitRevealed>();
        options.Schema.For<StoredModel>();
        options.Schema.For<StoredEvaluationSalt>();
        options.Schema.For<StoredTrainingSet>();
        options.Schema.For<StoredPrediction>();
    }
}
