namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Keeps every replica's <see cref="ScoringPolicyBook.Current"/> on the newest policy on record: the replica that records an
/// activated policy knows at once, the others within <see cref="Interval"/>.
/// </summary>
public sealed partial class PolicyRefresher(ScoringPolicyBook policies, TimeProvider clock, ILogger<PolicyRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await policies.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(e); // the database is away; the policy in hand stays in force until it is back
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the scoring policies; trying again")]
    private partial void LogRefreshFailed(Exception e);
}
