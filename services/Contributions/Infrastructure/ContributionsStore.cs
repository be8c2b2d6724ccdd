using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>What this service keeps in the history store: its own events, and in its schema the views and their checkpoint, and its followers' checkpoints.</summary>
public static class ContributionsStore
{
    public const string Schema = "contributions";

    public static void Configure(StoreOptions options)
    {
        options.Events.AddEventType<ContributionSubmitted>();
        options.Events.AddEventType<ContributionRejected>();
        options.Events.AddEventType<ContributionErased>();
        options.Events.AddEventType<DatasetSnapshotted>();
        options.Events.AddEventType<ModelRegistered>();
        options.Events.AddEventType<DatasetBuilderAdmitted>();
        options.Events.AddEventType<DatasetBuilderRemoved>();
        options.Storage.ExtendedSchemaObjects.Add(ContentStore.Table());
        foreach (var table in UploadStore.Tables())
            options.Storage.ExtendedSchemaObjects.Add(table);
        // By contributor for the listing; by log index for the range a new anchor covers.
        options.Schema.For<ContributionView>().Index(v => v.Contributor).Index(v => v.LogIndex);
        options.Schema.For<ContributionViewCheckpoint>().UseOptimisticConcurrency(true);
        options.Schema.For<FollowerCheckpoint>();
    }
}
