using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Epochs;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Closes every epoch that is due, once its end has passed on the clock (each close is <see cref="EpochCloser"/>'s), on one
/// replica at a time (the leader loop); a replica that takes over simply continues from the newest closed epoch, since
/// closing is idempotent.
/// </summary>
public sealed partial class DueEpochCloser(
    EpochCloser closer,
    IOptions<EpochOptions> options,
    TimeProvider clock,
    ILogger<DueEpochCloser> logger) : ILeaderJob
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    // After a failure the next term resumes from the newest closed epoch.
    public LeaderLoopSettings Settings { get; } = new("ledger-epochs");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wait = await CloseDueEpochsAsync(ct);
            if (!await term.WaitAsync(wait, ct))
                return;
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
}
