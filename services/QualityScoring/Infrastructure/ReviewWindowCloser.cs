using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Finalises every case whose review window has ended on the clock, on one replica at a time (leader lock). A case
/// finalised concurrently by its last review is simply skipped: the case lock makes the two decisions serial.
/// </summary>
public sealed partial class ReviewWindowCloser(
    IDocumentStore store,
    CaseFinaliser finaliser,
    NpgsqlDataSource dataSource,
    IOptions<ScoringOptions> options,
    TimeProvider clock,
    ILogger<ReviewWindowCloser> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "scoring-review-windows", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, clock, stoppingToken);
                    continue;
                }
                while (await leader.IsHeldAsync(stoppingToken))
                {
                    if (await CloseDueAsync(stoppingToken) < BatchSize)
                        await Task.Delay(options.Value.CloserInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogClosingFailed(ex);
                await Task.Delay(RetryDelay, clock, stoppingToken);
            }
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
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var read = new LockedRead(session).Lock([ScoringLocks.Case(id)]);
            var loaded = read.Load<ScoringCase>(id);
            await read.ExecuteAsync(ct);
            var @case = await loaded;
            if (@case is null || @case.Scored is not null)
                continue;
            var scored = await finaliser.FinaliseAsync(session, @case, clock.GetUtcNow(), ct);
            await session.SaveChangesAsync(ct);
            LogClosed(id, scored.Score, scored.Fallback ?? "consensus");
        }
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Review window of {ContributionId} closed: score {Score} by {Rule}")]
    private partial void LogClosed(string contributionId, int score, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing review windows paused after a failure; it resumes with the cases still open")]
    private partial void LogClosingFailed(Exception ex);
}
