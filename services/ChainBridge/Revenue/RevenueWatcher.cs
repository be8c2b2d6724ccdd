using CommunityAI.ChainBridge.Chain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Revenue;

/// <summary>
/// Follows the DatasetRevenuePool and records every payment builders make (<see cref="PaymentRecorder"/>), reading only
/// blocks with <see cref="RevenueOptions.Confirmations"/> on top: a payment is credited to contributors for good, so it
/// must come from a block no ordinary reorg takes back (the anchors, which can be re-sent, are followed instead).
/// One active instance (the leader loop); a new leader resumes from the saved block, and whatever it reads twice the
/// history refuses. Idle when the deployment has no pool.
/// </summary>
public sealed partial class RevenueWatcher(
    ChainConnection chain,
    ChainHead chainHead,
    ContractSetup contracts,
    PaymentRecorder recorder,
    IOptions<RevenueOptions> options,
    ILogger<RevenueWatcher> logger) : ILeaderJob
{
    public LeaderLoopSettings Settings { get; } = new("revenue-watcher");

    public async Task<bool> PrepareAsync(CancellationToken ct)
    {
        await contracts.EnsureAsync(ct);
        return true;
    }

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var deployment = chain.Deployment!;
        if (deployment.RevenuePoolAddress.Length == 0)
        {
            LogNoPool();
            while (await term.WaitAsync(TimeSpan.FromMinutes(1), ct))
            {
            }
            return;
        }
        var pool = new RevenuePoolContract(chain.Sender.Web3, deployment.RevenuePoolAddress);
        while (!ct.IsCancellationRequested)
        {
            await ScanAsync(pool, deployment, ct);
            if (!await term.WaitAsync(options.Value.PollInterval, ct))
                return;
        }
    }

    /// <summary>Reads every block that became confirmed since the last scan and records its payments.</summary>
    public async Task ScanAsync(RevenuePoolContract pool, DeployedContracts deployment, CancellationToken ct)
    {
        var settings = options.Value;
        var latest = await chainHead.LatestAsync(ct);
        if (latest.Number < (ulong)settings.Confirmations)
            return;
        var confirmed = latest.Number - (ulong)settings.Confirmations;
        var from = await recorder.LastScannedAsync(pool.Address, ct) is { } last ? last + 1 : deployment.DeploymentBlock;
        while (from <= confirmed)
        {
            var to = Math.Min(confirmed, from + (ulong)settings.MaxBlocksPerQuery - 1);
            foreach (var payment in await pool.GetPaymentsAsync(from, to, ct))
            {
                if (await recorder.RecordAsync(chain.ChainId, pool.Address, payment, ct) is { } paid)
                    LogRecorded(paid.PaymentId, paid.SnapshotRoot, paid.Amount, paid.Payer);
            }
            await recorder.SaveScannedAsync(pool.Address, to, ct);
            from = to + 1;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded payment {PaymentId} for snapshot {Root}: {Amount} from {Payer}")]
    private partial void LogRecorded(string paymentId, string root, string amount, string payer);

    [LoggerMessage(Level = LogLevel.Information, Message = "The deployment has no DatasetRevenuePool; no payments are watched")]
    private partial void LogNoPool();
}
