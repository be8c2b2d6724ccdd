using System.Collections.Concurrent;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// The scoring policies in the history. At start-up the configured policy is published (stream <c>scoring/policies</c>)
/// unless its version is there already; a version already published with other rules stops the start, since changing
/// rules under a published version would make earlier scores unverifiable. Cases keep the version they were assigned
/// under, so older versions stay readable here.
/// </summary>
public sealed class PolicyBook(IDocumentStore store, IOptions<ScoringOptions> options, TimeProvider clock)
{
    public const string Stream = Extensions.StreamPrefix + "policies";

    private readonly ConcurrentDictionary<string, ScoringPolicyPublished> _versions = new(StringComparer.Ordinal);
    private ScoringPolicyPublished? _current;

    /// <summary>A policy document: the published event under its version.</summary>
    public sealed record StoredPolicy(string Id, ScoringPolicyPublished Policy);

    public ScoringPolicyPublished Current => _current ?? throw new InvalidOperationException("the scoring policy is not loaded yet");

    public async Task<ScoringPolicyPublished> PublishConfiguredAsync(CancellationToken ct)
    {
        var configured = options.Value.ToPolicy(clock.GetUtcNow());
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await ScoringLocks.TakeAsync(session.Connection!, [ScoringLocks.Policies], ct);
        var stored = await session.LoadAsync<StoredPolicy>(configured.Version, ct);
        if (stored is null)
        {
            session.Events.Append(Stream, configured);
            session.Store(new StoredPolicy(configured.Version, configured));
            await session.SaveChangesAsync(ct);
            stored = new StoredPolicy(configured.Version, configured);
        }
        else if (Rules(stored.Policy) is var published && Rules(configured) is var wanted && published != wanted)
        {
            throw new InvalidOperationException(
                $"Scoring policy {configured.Version} is already in the history with other rules; give the changed policy a new Scoring:PolicyVersion. Published: {published}; configured: {wanted}");
        }
        _versions[stored.Id] = stored.Policy;
        _current = stored.Policy;
        return stored.Policy;
    }

    public async Task<ScoringPolicyPublished> GetAsync(string version, CancellationToken ct)
    {
        if (_versions.TryGetValue(version, out var policy))
            return policy;
        await using var session = store.QuerySession();
        var stored = await session.LoadAsync<StoredPolicy>(version, ct)
            ?? throw new InvalidOperationException($"scoring policy {version} is not in the history");
        return _versions[version] = stored.Policy;
    }

    // jsonb does not keep member order, so the kinds are compared sorted.
    private static string Rules(ScoringPolicyPublished policy) => JsonSerializer.Serialize(
        policy with { PublishedAt = default, Kinds = new SortedDictionary<string, KindRule>(policy.Kinds.ToDictionary(), StringComparer.Ordinal) },
        OutboxRoutes.HistoryJson);
}
