using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// Follows governance's streams in the history through the gap-safe <see cref="HistoryFeed"/>, on one replica at a time,
/// and admits or removes the builder of every activated <c>dataset-builder-admission</c> or <c>dataset-builder-removal</c>
/// proposal (<see cref="DatasetBuilders"/>).
/// Only the stored event counts: a bus message, forged or not, reaches nothing here.
/// </summary>
public sealed class DatasetBuilderFollower(NpgsqlDataSource dataSource, DatasetBuilders builders)
    : HistoryFollower(dataSource, GovernanceStreamPrefix)
{
    public const string GovernanceStreamPrefix = "governance/";
    private static readonly string ActivatedType = OutboxRoutes.EventTypeName(typeof(PolicyActivated));

    public override LeaderLoopSettings Settings { get; } = new("contributions:dataset-builders");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) => builders.CheckpointAsync(ct);

    protected override bool Wants(StoredEvent e) => Is(e, ActivatedType, under: GovernanceStreamPrefix);

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var activations = events.Where(Wants)
            .Select(e => JsonSerializer.Deserialize<PolicyActivated>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data"));
        await builders.ApplyAsync(activations, checkpoint, ct);
        return true;
    }
}

/// <summary>Records the operator's <c>Datasets:Builders</c> setting in the history before the service takes requests.</summary>
public sealed class ConfiguredDatasetBuilders(DatasetBuilders builders, IOptions<DatasetOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => builders.ReconcileAsync(options.Value.Builders, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
