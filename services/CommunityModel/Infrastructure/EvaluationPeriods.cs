using CommunityAI.CommunityModel.Domain;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using Marten;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// The private evaluation split's periods, one per training round: a salt is drawn and its commitment recorded (with
/// the salt kept in the service's schema, in the same transaction) before the round trains or evaluates anything, and
/// the salt is revealed in the history when the round ends, whatever its outcome.
/// </summary>
public sealed class EvaluationPeriods(IDocumentStore store, TimeProvider clock)
{
    public const string StreamPrefix = ModelHistory.StreamPrefix + "evaluation/";

    /// <summary>A committed, not yet revealed period and its salt.</summary>
    public sealed record Open(long Period, byte[] Salt, string Commitment);

    public static string StreamKey(long period) => StreamPrefix + period.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Periods committed since <paramref name="since"/>: what bounds the rounds anyone can start.</summary>
    public async Task<int> CommittedSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<StoredEvaluationSalt>().CountAsync(s => s.CommittedAt > since, ct);
    }

    /// <summary>
    /// Draws and commits the next period's salt; null when another round's period is still open (committed and not
    /// revealed): rounds run one at a time, across replicas (<see cref="RoundLock"/>).
    /// </summary>
    public async Task<Open?> CommitAsync(int heldOutPercent, CancellationToken ct)
    {
        var salt = EvaluationSalt.Draw();
        var commitment = EvaluationSalt.Commitment(salt);
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await RoundLock.TakeAsync(session.Connection!, ct);
        if (await session.Query<StoredEvaluationSalt>().AnyAsync(s => !s.Revealed, ct))
            return null;
        var period = await session.Query<StoredEvaluationSalt>().CountAsync(ct) + 1;
        session.Events.StartStream(StreamKey(period), new EvaluationSplitCommitted(period, commitment, heldOutPercent, now));
        session.Insert(new StoredEvaluationSalt(Id(period), period, Hex.Encode(salt), commitment, now, Revealed: false));
        await session.SaveChangesAsync(ct);
        return new Open(period, salt, commitment);
    }

    /// <summary>Reveals the period's salt in the history and marks it revealed, in one transaction.</summary>
    public async Task RevealAsync(long period, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        // After the round's model is recorded, never while it is being recorded (ModelHistory.RecordAsync takes it too).
        await RoundLock.TakeAsync(session.Connection!, ct);
        if (await session.LoadAsync<StoredEvaluationSalt>(Id(period), ct) is not { Revealed: false } stored)
            return;
        session.Events.Append(StreamKey(period), new EvaluationSplitRevealed(period, stored.Salt, stored.Commitment, clock.GetUtcNow()));
        session.Store(stored with { Revealed = true });
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Reveals every period a stopped round left committed and unrevealed (none of them trained a model). Only periods
    /// committed longer than <paramref name="stoppedAfter"/> ago: a younger one may be a round another replica is running,
    /// whose salt must stay secret until its model is recorded.
    /// </summary>
    public async Task RevealPendingAsync(TimeSpan stoppedAfter, CancellationToken ct)
    {
        var before = clock.GetUtcNow() - stoppedAfter;
        IReadOnlyList<StoredEvaluationSalt> pending;
        await using (var query = store.QuerySession())
            pending = await query.Query<StoredEvaluationSalt>().Where(s => !s.Revealed && s.CommittedAt <= before).ToListAsync(ct);
        foreach (var open in pending.OrderBy(s => s.Period))
            await RevealAsync(open.Period, ct);
    }

    internal static string Id(long period) => period.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
