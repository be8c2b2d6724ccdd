using CommunityAI.Contracts;
using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.ServiceDefaults.Signing;
using JasperFx.Events.Projections;
using Marten;

namespace CommunityAI.Governance;

public static class Extensions
{
    public const string StreamPrefix = "governance/";

    /// <summary>The service's read-model schema.</summary>
    public const string Schema = "governance";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<GovernanceOptions>().BindConfiguration(GovernanceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddSignedRequestCheck();
        builder.AddHistoryStore(Schema, ConfigureGovernanceStore);
        builder.Services.AddSingleton<EarnedWeights>();
        builder.Services.AddSingleton<ParametersBook>();
        builder.Services.AddSingleton<PolicyVersions>();
        builder.AddSignerQuota(Schema);
        builder.Services.AddSingleton<ProposalWriteGate>();
        builder.Services.AddSingleton<GovernanceDesk>();
        builder.Services.AddSingleton<ProposalCloser>();
        builder.Services.AddLeaderLoop<ProposalCloserService>();
        builder.AddCommunityBus("governance", _ => { });
        builder.AddHistoryOutbox("governance", StreamPrefix, routes => routes
            .Publish<ProposalSubmitted>()
            .Publish<VoteCast>()
            .Publish<DelegationChanged>()
            .Publish<ProposalSucceeded>()
            .Publish<ProposalDefeated>()
            .Publish<ProposalQueued>()
            .Publish<ProposalVetoed>()
            .Publish<PolicyActivated>());
    }

    /// <summary>
    /// Governance's events, the ledger's events it reads weights from, and its read models: Marten snapshots and the
    /// per-vote rows, built inline from governance's streams, so dropping them and replaying the history gives the same
    /// documents; and the running tallies, which are counted again from the history when they fall behind.
    /// </summary>
    public static void ConfigureGovernanceStore(StoreOptions options)
    {
        options.Events.AddEventType<ProposalSubmitted>();
        options.Events.AddEventType<VoteCast>();
        options.Events.AddEventType<DelegationChanged>();
        options.Events.AddEventType<ProposalSucceeded>();
        options.Events.AddEventType<ProposalDefeated>();
        options.Events.AddEventType<ProposalQueued>();
        options.Events.AddEventType<ProposalVetoed>();
        options.Events.AddEventType<PolicyActivated>();
        options.Events.AddEventType<ContributionRewarded>();
        options.Events.AddEventType<ValidatorsRewarded>();
        options.Events.AddEventType<RewardAdjusted>();
        options.Events.AddEventType<AppealSettled>();
        options.Events.AddEventType<ModelGainRewarded>();
        options.Events.AddEventType<ModelGainReversed>();
        options.Events.AddEventType<DataValueRewarded>();
        options.Events.AddEventType<DataValueReversed>();
        options.Events.AddEventType<RevenueSplit>();
        options.Events.AddEventType<EpochClosed>();
        options.Projections.Snapshot<Proposal>(SnapshotLifecycle.Inline);
        options.Projections.Snapshot<Delegation>(SnapshotLifecycle.Inline);
        options.Projections.Add(new ProposalVotesProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<Proposal>().Index(p => p.Open);
        options.Schema.For<Delegation>();
        options.Schema.For<ProposalVote>();
        options.Schema.For<RunningTally>();
        options.Schema.For<UsedNonce>();
    }
}
