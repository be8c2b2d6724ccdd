using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Keeps the contribution views up with the history on one instance at a time (leader lock). A failure leaves the
/// committed checkpoint where it was, and the next leader resumes from it.
/// </summary>
public sealed partial class ContributionViewProjectorService(
    ContributionViewProjector projector,
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    ILogger<ContributionViewProjectorService> logger) : BackgroundService
{
    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "contributions:view-projector", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, clock, stoppingToken);
                    continue;
                }
                await ProjectWhileLeadingAsync(leader, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogProjectorPaused(ex);
                await Task.Delay(RetryDelay, clock, stoppingToken);
            }
        }
    }

    private async Task ProjectWhileLeadingAsync(LeaderLock leader, CancellationToken ct)
    {
        var checkpoint = await projector.LoadCheckpointAsync(ct);
        var cursor = new FeedCursor(checkpoint.Sequence);
        var idle = 0;
        while (!ct.IsCancellationRequested)
        {
            var step = await projector.StepAsync(cursor, checkpoint, ct);
            (cursor, checkpoint) = (step.Cursor, step.Checkpoint);
            if (step.Applied > 0)
                continue;
            if (++idle % 50 == 0 && !await leader.IsHeldAsync(ct))
                return;
            await Task.Delay(IdleDelay, clock, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contribution views paused after a failure; they resume from their checkpoint")]
    private partial void LogProjectorPaused(Exception ex);
}
