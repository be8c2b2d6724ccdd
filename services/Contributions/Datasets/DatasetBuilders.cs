using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Contributions.Datasets;

/// <summary>One admitted dataset builder, as the stream <see cref="DatasetBuilders.Stream"/> says; keyed by lower-case address.</summary>
public sealed record AdmittedBuilder(string Id, string Builder, string By, string? ProposalId);

/// <summary>An address a passed removal vote bars from admission by the setting (until an admission vote); keyed by lower-case address.</summary>
public sealed record BarredBuilder(string Id, string Builder, string ProposalId);

/// <summary>
/// Who may sign dataset snapshots and exports, recorded in the history (rule in <see cref="DatasetBuilderAdmitted"/>):
/// the operator's <c>Datasets:Builders</c> setting, reconciled at every start, and every <c>dataset-builder-admission</c>
/// and <c>dataset-builder-removal</c> a passed vote activates; what the community decided, the setting cannot undo. Both
/// write under one lock, with the governance feed's checkpoint in the same transaction, so
/// each activation is applied once and two replicas starting together record a setting once.
/// </summary>
public sealed partial class DatasetBuilders(IDocumentStore store, TimeProvider clock, ILogger<DatasetBuilders> logger)
{
    public const string Stream = ContributionAppender.StreamPrefix + "builders";
    public const string AdmissionKind = "dataset-builder-admission";
    public const string RemovalKind = "dataset-builder-removal";
    // Not the follower's leader lock name: that one is held for the whole term, so this would wait on it for ever.
    private const string Lock = "contributions:builder-admissions";

    /// <summary><see cref="DatasetBuilderFollower"/>'s <see cref="FollowerCheckpoint"/>: every activation at or below it is applied.</summary>
    public const string CheckpointKey = "dataset-builders";

    public async Task<bool> AdmitsAsync(string address, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<AdmittedBuilder>(address.ToLowerInvariant(), ct) is not null;
    }

    public Task<long> CheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_builderfeedcheckpoint", ct);

    /// <summary>
    /// Records an admission for each configured address not admitted yet, and a removal for each builder admitted by
    /// configuration that the setting no longer lists; builders admitted by a vote stay whatever the setting says, and an
    /// address a vote removed is not admitted whatever the setting says (logged).
    /// </summary>
    /// <exception cref="InvalidOperationException">An entry of the setting is not an address: refused at start.</exception>
    public async Task ReconcileAsync(IEnumerable<string> configured, CancellationToken ct)
    {
        var wanted = configured.Select(a => Address.TryParse(a.Trim(), out var address) ? address
                : throw new InvalidOperationException($"Datasets:Builders: '{a}' is not an Ethereum address"))
            .ToHashSet(StringComparer.Ordinal);
        await using var session = await LockedSessionAsync(ct);
        var admitted = (await session.Query<AdmittedBuilder>().ToListAsync(ct)).ToDictionary(b => b.Builder, StringComparer.Ordinal);
        var barred = (await session.Query<BarredBuilder>().ToListAsync(ct)).ToDictionary(b => b.Builder, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        foreach (var builder in wanted.Where(b => !admitted.ContainsKey(b)).Order(StringComparer.Ordinal))
        {
            if (barred.TryGetValue(builder, out var bar))
                LogBarred(builder, bar.ProposalId);
            else
                Admit(session, new DatasetBuilderAdmitted(builder, DatasetBuilderAdmitted.ByConfiguration, null, now));
        }
        foreach (var gone in admitted.Values.Where(b => b.By == DatasetBuilderAdmitted.ByConfiguration && !wanted.Contains(b.Builder)))
        {
            session.Events.Append(Stream, new DatasetBuilderRemoved(gone.Builder, now, DatasetBuilderAdmitted.ByConfiguration));
            session.Delete(gone);
            LogRemoved(gone.Builder);
        }
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Applies the admissions and removals among <paramref name="activations"/> (read from governance's streams, in
    /// history order) and moves the feed's checkpoint to <paramref name="checkpoint"/>, in one transaction. A vote for a
    /// builder admitted by configuration is recorded too, so a later setting cannot remove what the community admitted; a
    /// removal bars the address from the setting until an admission vote.
    /// </summary>
    public async Task ApplyAsync(IEnumerable<PolicyActivated> activations, long checkpoint, CancellationToken ct)
    {
        await using var session = await LockedSessionAsync(ct);
        if (!FollowerCheckpoint.Advances(await session.LoadAsync<FollowerCheckpoint>(CheckpointKey, ct), checkpoint))
            return;
        // Each builder's state as this batch leaves it: admitted (by whom) or not, and barred or not.
        var admitted = new Dictionary<string, AdmittedBuilder?>(StringComparer.Ordinal);
        var barred = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var activation in activations)
        {
            if (Subject(activation) is not { } builder)
                continue;
            var id = builder.ToLowerInvariant();
            if (!admitted.ContainsKey(builder))
            {
                admitted[builder] = await session.LoadAsync<AdmittedBuilder>(id, ct);
                barred[builder] = await session.LoadAsync<BarredBuilder>(id, ct) is not null;
            }
            var proposal = activation.ProposalId.ToLowerInvariant();
            if (activation.Kind == AdmissionKind)
            {
                if (admitted[builder]?.By == DatasetBuilderAdmitted.ByGovernance)
                    continue;
                admitted[builder] = Admit(session, new DatasetBuilderAdmitted(builder, DatasetBuilderAdmitted.ByGovernance, proposal, clock.GetUtcNow()));
                if (barred[builder])
                    session.Delete<BarredBuilder>(id);
                barred[builder] = false;
            }
            else
            {
                // Recorded even for an address not admitted, so the bar is in the history; once barred, nothing more.
                if (admitted[builder] is null && barred[builder])
                    continue;
                session.Events.Append(Stream, new DatasetBuilderRemoved(builder, clock.GetUtcNow(), DatasetBuilderAdmitted.ByGovernance, proposal));
                if (admitted[builder] is not null)
                    session.Delete<AdmittedBuilder>(id);
                session.Store(new BarredBuilder(id, builder, proposal));
                admitted[builder] = null;
                barred[builder] = true;
                LogRemovedByVote(builder, proposal);
            }
        }
        session.Store(new FollowerCheckpoint(CheckpointKey, checkpoint));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>The builder an activation of kind <see cref="AdmissionKind"/> or <see cref="RemovalKind"/> names, EIP-55; null for any other activation.</summary>
    public static string? Subject(PolicyActivated activation) =>
        activation.Kind is AdmissionKind or RemovalKind ? ProposalPayloads.AddressOf(activation.Payload, "builder") : null;

    private AdmittedBuilder Admit(IDocumentSession session, DatasetBuilderAdmitted admitted)
    {
        session.Events.Append(Stream, admitted);
        var builder = new AdmittedBuilder(admitted.Builder.ToLowerInvariant(), admitted.Builder, admitted.By, admitted.ProposalId);
        session.Store(builder);
        LogAdmitted(admitted.Builder, admitted.By);
        return builder;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset builder {Builder} removed by the community's vote {ProposalId}")]
    private partial void LogRemovedByVote(string builder, string proposalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Datasets:Builders lists {Builder}, which the community's vote {ProposalId} removed: not admitted (only an admission vote can)")]
    private partial void LogBarred(string builder, string proposalId);
}
