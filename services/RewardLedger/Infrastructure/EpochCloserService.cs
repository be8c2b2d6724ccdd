using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Closes each epoch once its end has passed on the clock, on one replica at a time (leader lock); a replica that
/// takes over simply continues from the newest closed epoch, since closing is idempotent.
/// </summary>
public sealed partial class EpochCloserService(
    EpochCloser closer,
    NpgsqlDataSource dataSource,
    IOptions<EpochOptions> options,
    TimeProvider clock,
    ILogger<EpochCloserService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "ledger-epochs", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, clock, stoppingToken);
                    continue;
                }
                while (await leader.IsHeldAsync(stoppingToken))
                    await Task.Delay(await CloseDueEpochsAsync(stoppingToken), clock, stoppingToken);
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

    /// <summary>Closes every epoch that has ended; returns how long to wait before looking again.</summary>
    private async Task<TimeSpan> CloseDueEpochsAsync(CancellationToken ct)
    {
        var epochs = options.Value;
        while (await closer.NextToCloseAsync(ct) is { } next)
        {
            var wait = epochs.EndOf(next) - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
                return wait < MaxWait ? wait : MaxWait;
            if (await closer.CloseAsync(next, ct) is { } closed)
                LogClosed(next, closed.Closed.Accounts, closed.Closed.ClaimRoot);
        }
        return MaxWait;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed reward epoch {Epoch}: {Accounts} accounts, claim root {Root}")]
    private partial void LogClosed(long epoch, int accounts, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing reward epochs paused after a failure; it resumes from the newest closed epoch")]
    private partial void LogClosingFailed(Exception ex);
}
