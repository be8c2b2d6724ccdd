using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Background;
using Marten;

namespace CommunityAI.Contributions.Datasets;

/// <summary>One admitted dataset builder, as the stream <see cref="DatasetBuilders.Stream"/> says; keyed by lower-case address.</summary>
public sealed record AdmittedBuilder(string Id, string Builder, string By, string? ProposalId);

/// <summary>How far <see cref="DatasetBuilderFollower"/> has read governance's streams.</summary>
public sealed record BuilderFeedCheckpoint(string Id, long Sequence)
{
    public const string Key = "dataset-builders";
}

/// <summary>
/// Who may sign dataset snapshots and exports, recorded in the history (rule in <see cref="DatasetBuilderAdmitted"/>):
/// the operator's <c>Datasets:Builders</c> setting, reconciled at every start, and every <c>dataset-builder-admission</c>
/// a passed vote activates. Both write under one lock, with the governance feed's checkpoint in the same transaction, so
/// each activation is applied once and two replicas starting together record a setting once.
/// </summary>
public sealed partial class DatasetBuilders(IDocumentStore store, TimeProvider clock, ILogger<DatasetBuilders> logger)
{
    public const string Stream = ContributionAppender.StreamPrefix + "builders";
    public const string AdmissionKind = "dataset-builder-admission";
    // Not the follower's leader lock name: that one is held for the whole term, so this would wait on it for ever.
    private const string Lock = "contributions:builder-admissions";

    public async Task<bool> AdmitsAsync(string address, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<AdmittedBuilder>(address.ToLowerInvariant(), ct) is not null;
    }

    public async Task<long> CheckpointAsync(CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return (await query.LoadAsync<BuilderFeedCheckpoint>(BuilderFeedCheckpoint.Key, ct))?.Sequence ?? 0;
    }

    /// <summary>
    /// Records an admission for each configured address not admitted yet, and a removal for each builder admitted by
    /// configuration that the setting no longer lists; builders admitted by a vote stay whatever the setting says.
    /// </summary>
    /// <exception cref="InvalidOperationException">An entry of the setting is not an address: refused at start.</exception>
    public async Task ReconcileAsync(IEnumerable<string> configured, CancellationToken ct)
    {
        var wanted = configured.Select(a => Address.TryParse(a.Trim(), out var address) ? address
                : throw new InvalidOperationException($"Datasets:Builders: '{a}' is not an Ethereum address"))
            .ToHashSet(StringComparer.Ordinal);
        await using var session = await LockedSessionAsync(ct);
        var admitted = (await session.Query<AdmittedBuilder>().ToListAsync(ct)).ToDictionary(b => b.Builder, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        foreach (var builder in wanted.Where(b => !admitted.ContainsKey(b)).Order(StringComparer.Ordinal))
            Admit(session, new DatasetBuilderAdmitted(builder, DatasetBuilderAdmitted.ByConfiguration, null, now));
        foreach (var gone in admitted.Values.Where(b => b.By == DatasetBuilderAdmitted.ByConfiguration && !wanted.Contains(b.Builder)))
        {
            session.Events.Append(Stream, new DatasetBuilderRemoved(gone.Builder, now));
            session.Delete(gone);
            LogRemoved(gone.Builder);
        }
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Applies the admissions among <paramref name="activations"/> (read from governance's streams) and moves the feed's
    /// checkpoint to <paramref name="checkpoint"/>, in one transaction. A vote for a builder admitted by configuration is
    /// recorded too, so a later setting cannot remove what the community admitted.
    /// </summary>
    public async Task ApplyAsync(IEnumerable<PolicyActivated> activations, long checkpoint, CancellationToken ct)
    {
        await using var session = await LockedSessionAsync(ct);
        // Another leader's term got here first (a replica that lost its lease mid-batch).
        if ((await session.LoadAsync<BuilderFeedCheckpoint>(BuilderFeedCheckpoint.Key, ct))?.Sequence >= checkpoint)
            return;
        var decided = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var activation in activations)
        {
            if (Subject(activation) is not { } builder)
                continue;
            var by = decided.TryGetValue(builder, out var seen) ? seen
                : (await session.LoadAsync<AdmittedBuilder>(builder.ToLowerInvariant(), ct))?.By;
            if (by == DatasetBuilderAdmitted.ByGovernance)
                continue;
            Admit(session, new DatasetBuilderAdmitted(builder, DatasetBuilderAdmitted.ByGovernance, activation.ProposalId.ToLowerInvariant(), clock.GetUtcNow()));
            decided[builder] = DatasetBuilderAdmitted.ByGovernance;
        }
        session.Store(new BuilderFeedCheckpoint(BuilderFeedCheckpoint.Key, checkpoint));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>The builder an activation of kind <see cref="AdmissionKind"/> names, EIP-55; null for any other activation.</summary>
    public static string? Subject(PolicyActivated activation) =>
        activation.Kind == AdmissionKind ? ProposalPayloads.AddressOf(activation.Payload, "builder") : null;

    private void Admit(IDocumentSession session, DatasetBuilderAdmitted admitted)
    {
        session.Events.Append(Stream, admitted);
        session.Store(new AdmittedBuilder(admitted.Builder.ToLowerInvariant(), admitted.Builder, admitted.By, admitted.ProposalId));
        LogAdmitted(admitted.Builder, admitted.By);
    }

    private async Task<IDocumentSession> LockedSessionAsync(CancellationToken ct)
    {
        var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await AdvisoryLock.TakeAsync(session.Connection!, [Lock], ct);
        return session;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset builder {Builder} admitted by {By}")]
    private partial void LogAdmitted(string builder, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset builder {Builder} removed: no longer in Datasets:Builders")]
    private partial void LogRemoved(string builder);
}
