using System.Collections.Concurrent;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// The scoring policies in the history (stream <c>scoring/policies</c>). The configured policy is the genesis policy: it
/// is recorded at the first start only. After that only a passed <c>scoring-policy</c> proposal changes the policy:
/// governance's stored <see cref="PolicyActivated"/> (never a bus body) is recorded here under its new version, and cases
/// opened afterwards use it. Cases keep the version they were assigned under, so older versions stay readable here.
/// </summary>
public sealed partial class ScoringPolicyBook(IDocumentStore store, IOptions<ScoringOptions> options, TimeProvider clock, ILogger<ScoringPolicyBook> logger)
{
    public const string Stream = Extensions.StreamPrefix + "policies";

    /// <summary>Where governance records activations; an event of that type anywhere else is not one.</summary>
    public const string GovernanceStreamPrefix = "governance/";

    public const string ScoringPolicyKind = "scoring-policy";

    private readonly ConcurrentDictionary<string, ScoringPolicyPublished> _versions = new(StringComparer.Ordinal);
    private (ScoringPolicyPublished Policy, long StreamVersion)? _current;

    /// <summary>A policy document: the published event under its version, and the proposal that activated it (null for genesis).</summary>
    public sealed record StoredPolicy(string Id, ScoringPolicyPublished Policy, string? ProposalId = null);

    /// <summary>The newest policy on record: what a case opened now is assigned under.</summary>
    public ScoringPolicyPublished Current => _current?.Policy ?? throw new InvalidOperationException("the scoring policy is not loaded yet");

    /// <summary>
    /// Records the configured policy as the genesis policy when none is on record, then loads the newest. A configuration
    /// that differs from the policy in force changes nothing (it is logged): only a vote does.
    /// </summary>
    public async Task<ScoringPolicyPublished> PublishConfiguredAsync(CancellationToken ct)
    {
        var configured = options.Value.ToPolicy(clock.GetUtcNow());
        await using (var session = store.LightweightSession())
        {
            await session.BeginTransactionAsync(ct);
            await ScoringLocks.TakeAsync(session.Connection!, [ScoringLocks.Policies], ct);
            if (await session.Events.FetchStreamStateAsync(Stream, ct) is null)
            {
                session.Events.StartStream(Stream, configured);
                session.Store(new StoredPolicy(configured.Version, configured));
                await session.SaveChangesAsync(ct);
            }
        }
        var current = await RefreshAsync(ct);
        if (Rules(current) != Rules(configured))
            LogConfigurationIgnored(current.Version, configured.Version);
        return current;
    }

    /// <summary>Loads the newest policy on record when the stream has grown since the last look (one small query otherwise).</summary>
    public async Task<ScoringPolicyPublished> RefreshAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var state = await session.Events.FetchStreamStateAsync(Stream, ct)
            ?? throw new InvalidOperationException("no scoring policy is on record yet");
        if (_current is { } known && known.StreamVersion == state.Version)
            return known.Policy;
        var events = await session.Events.FetchStreamAsync(Stream, token: ct);
        var newest = (ScoringPolicyPublished)events[^1].Data;
        _versions[newest.Version] = newest;
        _current = (newest, events[^1].Version);
        return newest;
    }

    /// <summary>
    /// Records an activated <c>scoring-policy</c> proposal read from the history. A payload that breaks the shared rules or
    /// reuses a version is not recorded (governance refuses such proposals when they are made; this is defence in depth).
    /// </summary>
    public async Task<ScoringPolicyPublished?> ApplyAsync(PolicyActivated activation, CancellationToken ct)
    {
        if (activation.Kind != ScoringPolicyKind)
            return null;
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await ScoringLocks.TakeAsync(session.Connection!, [ScoringLocks.Policies], ct);
        var stored = await session.Query<StoredPolicy>().ToListAsync(ct);
        if (stored.Any(p => string.Equals(p.ProposalId, activation.ProposalId, StringComparison.OrdinalIgnoreCase)))
            return null;

        ScoringPolicyDraft? draft = null;
        Dictionary<string, string[]> errors;
        try
        {
            using var payload = JsonDocument.Parse(activation.Payload);
            (draft, errors) = ScoringPolicyDraft.Read(payload.RootElement);
            if (draft is not null)
                errors = draft.Validate(stored.Select(p => p.Id).ToHashSet(StringComparer.Ordinal));
            // The configuration's own rule (CommitWindow shorter than ReviewWindow), which governance checks when it is proposed.
            if (draft?.ReviewWindowSeconds is > 0 and var window && TimeSpan.FromSeconds(window) <= options.Value.CommitWindow)
                errors.TryAdd("reviewWindowSeconds", [$"longer than the commit window ({options.Value.CommitWindow})"]);
        }
        catch (JsonException e)
        {
            errors = new() { [""] = [e.Message] };
        }
        if (draft is null || errors.Count > 0)
        {
            LogNotApplied(activation.ProposalId, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            return null;
        }

        var policy = ToPolicy(draft, clock.GetUtcNow());
        session.Events.Append(Stream, policy);
        session.Store(new StoredPolicy(policy.Version, policy, activation.ProposalId));
        await session.SaveChangesAsync(ct);
        LogApplied(policy.Version, activation.ProposalId);
        await RefreshAsync(ct);
        return policy;
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

    /// <summary>A validated document as the policy event quality-scoring records.</summary>
    public static ScoringPolicyPublished ToPolicy(ScoringPolicyDraft draft, DateTimeOffset now) => new(
        draft.Version!, draft.AutomatedWeight!.Value, draft.ReviewersPerContribution!.Value, draft.Quorum!.Value,
        TimeSpan.FromSeconds(draft.ReviewWindowSeconds!.Value), draft.ClipDistance!.Value, draft.ReputationStart!.Value,
        draft.ReputationFloor!.Value, draft.ReputationRate!.Value, draft.NearDuplicateThreshold!.Value, draft.ShingleLength!.Value,
        draft.MinHashFunctions!.Value, draft.LshBands!.Value, draft.MinTextLength!.Value,
        new SortedDictionary<string, KindRule>(draft.Kinds!.ToDictionary(k => k.Key,
            k => new KindRule(k.Value.MaxBytes, k.Value.MinTextLength!.Value, k.Value.RequireContentAddressed!.Value)), StringComparer.Ordinal),
        now, draft.AuditBasisPoints ?? ScoringPolicyDraft.DefaultAuditBasisPoints,
        draft.LeanAuditPoints ?? ScoringPolicyDraft.DefaultLeanAuditPoints,
        draft.LeanExclusionPoints ?? ScoringPolicyDraft.DefaultLeanExclusionPoints, draft.Licences);

    // jsonb does not keep member order, so the kinds are compared sorted.
    private static string Rules(ScoringPolicyPublished policy) => JsonSerializer.Serialize(
        policy with { PublishedAt = default, Kinds = new SortedDictionary<string, KindRule>(policy.Kinds.ToDictionary(), StringComparer.Ordinal) },
        OutboxRoutes.HistoryJson);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The configured scoring policy ({Configured}) is not the one in force ({InForce}) and changes nothing: configuration sets the genesis policy only; a scoring-policy proposal changes it")]
    private partial void LogConfigurationIgnored(string inForce, string configured);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring policy {Version} of proposal {ProposalId} is in force for cases opened from now")]
    private partial void LogApplied(string version, string proposalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activated proposal {ProposalId} holds no applicable scoring policy; nothing recorded: {Problems}")]
    private partial void LogNotApplied(string proposalId, string problems);
}
