using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The reward policies on record (stream <c>ledger/policies</c>). The policy in force is the newest; it is read
/// through a short cache, and each credit names the version it used, so the record stays exact either way.
/// </summary>
public sealed class PolicyBook(IDocumentStore store, TimeProvider clock)
{
    public const string Stream = Extensions.StreamPrefix + "policies";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private (RewardPolicy Policy, DateTimeOffset ReadAt)? _cached;

    public async Task<RewardPolicy> CurrentAsync(CancellationToken ct)
    {
        if (_cached is { } cached && clock.GetUtcNow() - cached.ReadAt < CacheFor)
            return cached.Policy;
        await using var session = store.QuerySession();
        var policy = await ReadCurrentAsync(session, ct);
        if (policy is null)
        {
            await PublishInitialAsync(ct);
            policy = await ReadCurrentAsync(session, ct) ?? RewardPolicy.Initial;
        }
        _cached = (policy, clock.GetUtcNow());
        return policy;
    }

    /// <summary>Publishes <paramref name="draft"/> if every rule holds; the errors otherwise. Serial across replicas.</summary>
    public async Task<(RewardPolicy? Policy, Dictionary<string, string[]> Errors)> PublishAsync(PolicyDraft draft, CancellationToken ct)
    {
        await CurrentAsync(ct); // the initial policy is on record before anything replaces it
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await LedgerLocks.ForPolicyAsync(session.Connection!, ct);
        var (policy, errors) = draft.Validate(await ReadCurrentAsync(session, ct));
        if (policy is null)
            return (null, errors);
        session.Events.Append(Stream, policy.ToEvent(clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);
        _cached = null;
        return (policy, errors);
    }

    private static async Task<RewardPolicy?> ReadCurrentAsync(IQuerySession session, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(Stream, token: ct);
        return events.Count == 0 ? null : RewardPolicy.FromEvent((RewardPolicyPublished)events[^1].Data);
    }

    private async Task PublishInitialAsync(CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.Events.StartStream(Stream, RewardPolicy.Initial.ToEvent(clock.GetUtcNow()));
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Another replica put it on record first.
        }
    }
}
