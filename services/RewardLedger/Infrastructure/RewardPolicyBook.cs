using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The reward policies on record (stream <c>ledger/policies</c>): the genesis policy from configuration, recorded once at
/// the first start, then each <c>reward-policy</c> proposal governance activated, taken only from governance's stored
/// <see cref="PolicyActivated"/> events (never from a bus body) and in force from the epoch after the one it was taken up
/// in. Nothing else changes the policy: there is no operator endpoint.
/// </summary>
public sealed partial class RewardPolicyBook(
    IDocumentStore store, NpgsqlDataSource dataSource, IOptions<RewardGenesisOptions> genesis, IOptions<EpochOptions> epochs,
    TimeProvider clock, ILogger<RewardPolicyBook> logger)
{
    public const string Stream = Extensions.StreamPrefix + "policies";

    /// <summary>Where governance records activations; an event of that type anywhere else is not one.</summary>
    public const string GovernanceStreamPrefix = "governance/";

    public const string RewardPolicyKind = "reward-policy";

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private static readonly string ActivationsSql = $"""
        SELECT data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE type = @type AND starts_with(stream_id, @prefix) AND data->>'kind' = @kind
        ORDER BY seq_id
        """;

    private (PolicySchedule Schedule, DateTimeOffset ReadAt)? _cached;
    private bool _caughtUp;

    /// <summary>The policies on record, read through a short cache (a credit re-reads them when the epoch state says more exist).</summary>
    public async Task<PolicySchedule> ScheduleAsync(CancellationToken ct)
    {
        if (_cached is { } cached && clock.GetUtcNow() - cached.ReadAt < CacheFor)
            return cached.Schedule;
        var schedule = await ReadAsync(ct);
        if (schedule.Records.Count == 0)
        {
            await RecordGenesisAsync(ct);
            schedule = await ReadAsync(ct);
        }
        if (!_caughtUp)
        {
            // Activations recorded while this ledger was not listening (its queue did not exist yet) are taken up once.
            foreach (var activation in await StoredActivationsAsync(ct))
                await ApplyAsync(activation, ct);
            _caughtUp = true;
            schedule = await ReadAsync(ct);
        }
        _cached = (schedule, clock.GetUtcNow());
        return schedule;
    }

    /// <summary>Reads the schedule again, bypassing the cache.</summary>
    public async Task<PolicySchedule> ReloadAsync(CancellationToken ct)
    {
        _cached = null;
        return await ScheduleAsync(ct);
    }

    /// <summary>
    /// Takes up an activation read from the history. A policy that breaks the shared rules or does not raise the version
    /// is not recorded (governance refuses such proposals when they are made, so this is defence in depth).
    /// </summary>
    /// <returns>The record made now, or null when the activation was applied before or is not applicable.</returns>
    public async Task<RewardPolicyPublished?> ApplyAsync(PolicyActivated activation, CancellationToken ct)
    {
        if (activation.Kind != RewardPolicyKind)
            return null;
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        // The epoch gate exclusively: every credit in flight commits first, and every later credit sees the new count.
        await LedgerLocks.ForPolicyAsync(session.Connection!, ct);
        var schedule = await ReadAsync(session, ct);
        if (schedule.AppliedProposals.Contains(activation.ProposalId))
            return null;

        RewardPolicy? policy = null;
        Dictionary<string, string[]> errors;
        try
        {
            using var payload = JsonDocument.Parse(activation.Payload);
            (var draft, errors) = RewardPolicyDraft.Read(payload.RootElement);
            if (draft is not null)
                (policy, errors) = draft.Validate(schedule.NewestVersion);
        }
        catch (JsonException e)
        {
            errors = new() { [""] = [e.Message] };
        }
        if (policy is null)
        {
            LogNotApplied(activation.ProposalId, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            return null;
        }

        var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
        var now = clock.GetUtcNow();
        var from = state.EpochForCredit(epochs.Value, now) + 1;
        var record = policy.ToEvent(now, from, activation.ProposalId);
        session.Events.Append(Stream, record);
        session.Store(state with { Policies = schedule.Records.Count + 1 });
        await session.SaveChangesAsync(ct);
        _cached = null;
        LogApplied(policy.Name, activation.ProposalId, from);
        return record;
    }

    private async Task<PolicySchedule> ReadAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await ReadAsync(session, ct);
    }

    private static async Task<PolicySchedule> ReadAsync(IQuerySession session, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(Stream, token: ct);
        return new PolicySchedule([.. events.Select(e => (RewardPolicyPublished)e.Data)]);
    }

    private async Task<List<PolicyActivated>> StoredActivationsAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ActivationsSql);
        command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(PolicyActivated)));
        command.Parameters.AddWithValue("prefix", GovernanceStreamPrefix);
        command.Parameters.AddWithValue("kind", RewardPolicyKind);
        var activations = new List<PolicyActivated>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            activations.Add(JsonSerializer.Deserialize<PolicyActivated>(reader.GetString(0), OutboxRoutes.HistoryJson)!);
        return activations;
    }

    private async Task RecordGenesisAsync(CancellationToken ct)
    {
        var (policy, errors) = genesis.Value.ToDraft().Validate(null);
        if (policy is null)
            throw new InvalidOperationException("Rewards:Genesis is not a valid reward policy: "
                + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await LedgerLocks.ForPolicyAsync(session.Connection!, ct);
            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            session.Events.StartStream(Stream, policy.ToEvent(clock.GetUtcNow()));
            session.Store(state with { Policies = 1 });
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Another replica put it on record first.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reward policy {Policy} of proposal {ProposalId} is in force from epoch {Epoch}")]
    private partial void LogApplied(string policy, string proposalId, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activated proposal {ProposalId} holds no applicable reward policy; nothing recorded: {Problems}")]
    private partial void LogNotApplied(string proposalId, string problems);
}
