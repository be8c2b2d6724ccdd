using CommunityAI.Governance.Domain;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>Runs <see cref="ProposalCloser"/> on one replica at a time (leader lock), every <see cref="GovernanceOptions.CloseInterval"/>.</summary>
public sealed partial class ProposalCloserService(
    ProposalCloser closer,
    NpgsqlDataSource dataSource,
    IOptions<GovernanceOptions> options,
    TimeProvider clock,
    ILogger<ProposalCloserService> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var leader = await LeaderLock.TryAcquireAsync(dataSource, "governance-closer", stoppingToken);
                if (leader is null)
                {
                    await Task.Delay(RetryDelay, clock, stoppingToken);
                    continue;
                }
                while (await leader.IsHeldAsync(stoppingToken))
                {
                    if (await closer.CloseDueAsync(stoppingToken) is > 0 and var recorded)
                        LogRecorded(recorded);
                    await Task.Delay(options.Value.CloseInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
                await Task.Delay(RetryDelay, clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded {Count} proposal outcomes")]
    private partial void LogRecorded(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing proposals paused after a failure; it resumes on the next round")]
    private partial void LogFailed(Exception ex);
}
