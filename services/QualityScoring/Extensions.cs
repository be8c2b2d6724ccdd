using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.QualityScoring.IntegrationEvents.EventHandling;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.ServiceDefaults.Signing;
using Marten;
using MassTransit;

namespace CommunityAI.QualityScoring;

public static class Extensions
{
    public const string StreamPrefix = "scoring/";

    /// <summary>The service's read-model schema.</summary>
    public const string Schema = "scoring";

    /// <summary>The index of open assignments by validator, which a validator's poll of its assignments reads.</summary>
    public const string OpenAssignmentsIndex = "mt_doc_assignment_open_by_validator";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddSignedRequestCheck();
        builder.Services.AddOptions<ScoringOptions>().BindConfiguration(ScoringOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<EpochOptions>().BindConfiguration(EpochOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddHistoryStore(Schema, ConfigureScoringStore);
        // Appeals per signer, counted across replicas after the signature check.
        builder.AddSignerQuota(Schema);
        builder.Services.AddSingleton<ScoringPolicyBook>();
        builder.Services.AddSingleton<ContributionIntakeWriter>();
        builder.Services.AddSingleton<CaseFinaliser>();
        builder.Services.AddSingleton<AuditOpener>();
        builder.Services.AddSingleton<ReviewDesk>();
        builder.Services.AddSingleton<AppealDesk>();
        builder.Services.AddSingleton<ValidatorRegistry>();
        builder.Services.AddSingleton<AdmissionBook>();
        builder.Services.AddSingleton<Reassigner>();
        // Before the bus: the index tables and the policy exist when the first contribution arrives.
        builder.Services.AddHostedService<ScoringStartup>();
        builder.Services.AddHostedService<PolicyRefresher>();
        builder.Services.AddSingleton<SeedBook>();
        builder.Services.AddLeaderLoop<ReviewWindowCloser>();
        builder.Services.AddLeaderLoop<AssignmentSeedBeacon>();
        builder.Services.AddLeaderLoop<AdmissionFollower>();
        builder.Services.AddLeaderLoop<RemovalFollower>();
        builder.Services.AddLeaderLoop<ErasureFollower>();
        builder.Services.AddLeaderLoop<InvalidationFollower>();
        builder.AddCommunityBus("quality-scoring", bus =>
        {
            bus.AddConsumer<ContributionSubmittedConsumer, ContributionSubmittedConsumerDefinition>();
            bus.AddConsumer<PolicyActivatedConsumer>();
            // Content arrives privately on its own queue, never on the public bus (contracts/asyncapi.yaml, scoringContent).
            bus.AddConsumer<ScoringContentConsumer, ScoringContentConsumerDefinition>();
        });
        builder.AddHistoryOutbox("quality-scoring", StreamPrefix, routes => routes
            .Publish<ContributionScored>()
            .Publish<ScoringPolicyPublished>()
            .Publish<ValidatorRegistered>()
            .Publish<ReputationChanged>());
    }

    /// <summary>Scoring's events and read models; shared with the benchmark so it measures the same store.</summary>
    public static void ConfigureScoringStore(StoreOptions options)
    {
        // A case is stored as what it is built from, without the properties that follow from it (StoredCaseJson).
        ((Marten.Services.SystemTextJsonSerializer)options.Serializer()).Configure(StoredCaseJson.Configure);
        options.Events.AddEventType<AutomatedChecksCompleted>();
        options.Events.AddEventType<ReviewersAssigned>();
        options.Events.AddEventType<ReviewCommitted>();
        options.Events.AddEventType<ReviewSubmitted>();
        options.Events.AddEventType<AssignmentSeedCommitted>();
        options.Events.AddEventType<AssignmentSeedRevealed>();
        options.Events.AddEventType<ContributionScored>();
        options.Events.AddEventType<ScoringPolicyPublished>();
        options.Events.AddEventType<ValidatorRegistered>();
        options.Events.AddEventType<ReputationChanged>();
        options.Events.AddEventType<GenesisValidatorsRecorded>();
        options.Events.AddEventType<ValidatorAdmitted>();
        options.Events.AddEventType<ValidatorRemoved>();
        options.Events.AddEventType<ReviewerReassigned>();
        options.Events.AddEventType<AppealFiled>();
        options.Events.AddEventType<AppealReviewersAssigned>();
        options.Events.AddEventType<AppealDecided>();
        // The window closer asks every second for the open cases that are due. Without an index that was a scan of
        // every case ever taken in, growing for good; the partial index holds the open cases only.
        options.Schema.For<ScoringCase>().Index(c => c.OpenUntil!, index => index.Predicate = "data ->> 'openUntil' is not null");
        // Reviewer selection reads every validator's reputation for each contribution. From the JSON, PostgreSQL
        // decompressed each whole view, recent history and all (about 18 µs a validator here); as a column it does not.
        // Marten fills the column from the documents when it adds it.
        options.Schema.For<ValidatorView>().Duplicate(v => v.Reputation).Duplicate(v => v.LastSeenAt);
        // Each validator polls its open assignments (and the reassigner reads them at a removal). An index on every
        // assignment by validator grew for good (each of an hour's soak's validators had ~26,000, all read and filtered
        // for open ones at each poll); this one holds the open ones only. The predicate is the query's `a.Open` written as
        // PostgreSQL prints it back: a generic plan can use it, and Marten's schema check sees it unchanged and does not
        // rebuild it at every start (as written in Marten's own rendering, it did).
        options.Schema.For<Assignment>().Index(a => a.Validator, index =>
        {
            index.Name = OpenAssignmentsIndex;
            index.Predicate = "((data ->> 'open'::text))::boolean = true";
        });
        // Selection joins it on every intake: the flag as a column of its own.
        options.Schema.For<ValidatorAdmission>().Duplicate(a => a.Admitted);
        options.Schema.For<FollowerCheckpoint>();
        options.Schema.For<ErasedContent>();
        options.Schema.For<InvalidatedContribution>();
        options.Schema.For<UsedNonce>();
        options.Schema.For<ContentFirstSeen>();
        options.Schema.For<SealedReveal>();
        options.Schema.For<SeedSecret>();
        // A draw reads every tally toward the case's contributor: the contributor as an indexed column of its own.
        options.Schema.For<ReviewerLean>().Duplicate(l => l.Contributor);
        options.Schema.For<ScoringPolicyBook.StoredPolicy>();
        // Selection joins each validator's count for the epoch when a cap is set: the count as a column of its own.
        options.Schema.For<ReviewLoad>().Duplicate(l => l.Assigned);
    }
}
