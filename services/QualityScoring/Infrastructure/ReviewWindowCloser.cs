using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Telemetry;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Looks at every open case whose commit or reveal deadline passed, on one replica at a time (the leader loop): at the
/// commit deadline a case with nothing left to reveal closes at once (no case waits the whole window for reviewers who
/// never committed), otherwise it waits for its reveals; at the reveal deadline it closes. Reviewers with no commitment at the
/// commit deadline are first replaced (<see cref="Reassigner"/>), in a bounded number of rounds. A case closed concurrently by
/// its last reveal is simply skipped: the case lock makes the two decisions serial.
/// </summary>
public sealed partial class ReviewWindowCloser(
    IDocumentStore store,
    CaseFinaliser finaliser,
    Reassigner reassigner,
    IOptions<ScoringOptions> options,
    TimeProvider clock,
    ILogger<ReviewWindowCloser> logger) : ILeaderJob
{
    private const int BatchSize = 100;

    // After a failure the next term starts again with the cases still open.
    public LeaderLoopSettings Settings { get; } = new("scoring-review-windows");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wait = await CloseDueAsync(ct) < BatchSize ? options.Value.CloserInterval : TimeSpan.Zero;
            if (!await term.WaitAsync(wait, ct))
                return;
        }
    }

    /// <summary>Finalises up to one batch of due cases; returns how many were due.</summary>
    public async Task<int> CloseDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<string> due;
        await using (var query = store.QuerySession())
            due = await query.Query<ScoringCase>().Where(c => c.OpenUntil != null && c.OpenUntil <= now)
                .OrderBy(c => c.OpenUntil).Select(c => c.Id).Take(BatchSize).ToListAsync(ct);
        foreach (var id in due)
            if (await CloseAsync(id, now, replaceAbsent: true, ct) == Step.NothingReplaced)
                // Looking for replacements took the contributor's lean lock (shared), and nobody holding that may wait for a
                // validator's lock (ScoringLocks.Lean): a close of another case of the contributor holds its reviewers' locks
                // and waits for that lean lock, and the two deadlocked under load. So the close goes on in a transaction of
                // its own, which holds the case's lock alone when it takes the reviewers'.
                await CloseAsync(id, now, replaceAbsent: false, ct);
        return due.Count;
    }

    private enum Step { Done, NothingReplaced }

    private async Task<Step> CloseAsync(string id, DateTimeOffset now, bool replaceAbsent, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var read = new LockedRead(session).Lock([ScoringLocks.Case(id)]);
        var loaded = read.Load<ScoringCase>(id);
        await read.ExecuteAsync(ct);
        var @case = await loaded;
        if (@case is null || @case.Scored is not null || @case.OpenUntil > now)
            return Step.Done;
        var at = clock.GetUtcNow();
        if (replaceAbsent) // the first look at this due case in this pass; the second only goes on with it
            RecordLag(@case, at);
        // Reviewers who let the commit window pass are replaced, so an absent validator costs the case one more commit
        // window instead of its reviews.
        if (!@case.CommitClosed && at >= @case.CommitClosesAt && replaceAbsent)
        {
            if (await reassigner.ReplaceAbsentAsync(session, @case, at, ct) is null)
                return Step.NothingReplaced; // rolled back: nothing was written
            await session.SaveChangesAsync(ct);
            return Step.Done;
        }
        if (!@case.Complete(at) && at < @case.Assignment!.WindowClosesAt)
        {
            // The commit window closed with reveals still to come: from now on the case waits for those only.
            session.Store(@case with { CommitClosed = true });
            await session.SaveChangesAsync(ct);
            return Step.Done;
        }
        var scored = await finaliser.FinaliseAsync(session, @case, at, ct);
        await session.SaveChangesAsync(ct);
        LogClosed(id, scored.Score, scored.Fallback ?? "consensus");
        return Step.Done;
    }

    private static void RecordLag(ScoringCase @case, DateTimeOffset at) => CommunityMetrics.ScoringDeadlineLag.Record(
        Math.Max(0, (at - @case.OpenUntil!.Value).TotalMilliseconds),
        new KeyValuePair<string, object?>("deadline", @case.WaitsForReveals ? "reveal" : "commit"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Review window of {ContributionId} closed: score {Score} by {Rule}")]
    private partial void LogClosed(string contributionId, int score, string rule);
}
