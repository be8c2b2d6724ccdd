using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Follows governance's streams in the history through the gap-safe <see cref="HistoryFeed"/>, on one replica at a time,
/// and applies every activated <c>validator-admission</c> and <c>validator-removal</c> proposal (<see cref="AdmissionBook"/>);
/// <see cref="RemovalFollower"/> then hands a removed validator's open assignments on. Only the stored event counts: a bus
/// message, forged or not, reaches nothing here.
/// </summary>
public sealed class AdmissionFollower(NpgsqlDataSource dataSource, AdmissionBook admissions)
    : HistoryFollower(dataSource, ScoringPolicyBook.GovernanceStreamPrefix)
{
    private static readonly string ActivatedType = OutboxRoutes.EventTypeName(typeof(PolicyActivated));

    public override LeaderLoopSettings Settings { get; } = new("scoring-admissions");

    protected override Task<long> LoadCheckpointAsync(CancellationToken ct) => admissions.CheckpointAsync(ct);

    protected override bool Wants(StoredEvent e) => Is(e, ActivatedType, under: ScoringPolicyBook.GovernanceStreamPrefix);

    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        foreach (var (sequence, traceParent, activation) in Activations(events))
        {
            // In the activation's trace, so what the admission appends is sent in it.
            using var work = HistoryTraceContext.StartContinuing(traceParent, "apply an admission");
            await admissions.ApplyAsync(activation, sequence, ct);
        }
        await admissions.SaveCheckpointAsync(checkpoint, ct);
        return true;
    }

    /// <summary>The batch's admission and removal activations, read from governance's streams only.</summary>
    private IEnumerable<(long Sequence, string? TraceParent, PolicyActivated Activation)> Activations(IReadOnlyList<StoredEvent> events) =>
        events.Where(Wants)
            .Select(e => (e.Sequence, e.TraceParent, Activation: JsonSerializer.Deserialize<PolicyActivated>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data")))
            .Where(a => a.Activation.Kind is AdmissionDecision.AdmissionKind or AdmissionDecision.RemovalKind);
}
