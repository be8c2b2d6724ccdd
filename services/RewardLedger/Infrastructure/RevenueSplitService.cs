using CommunityAI.ServiceDefaults.Background;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Splits every payment the chain-bridge recorded (<see cref="RevenueFacts.PendingPaymentsAsync"/>) on one replica at a
/// time. The work list is the history itself: a payment is pending while its split stream does not exist, so a new
/// leader, a restart or a late commit needs no checkpoint. A payment that cannot be split (the chain-bridge never records
/// one) is logged and left alone, never credited.
/// </summary>
public sealed partial class RevenueSplitService(RevenueFacts facts, RevenueSplitter splitter, ILogger<RevenueSplitService> logger) : ILeaderJob
{
    private const int Batch = 100;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public LeaderLoopSettings Settings { get; } = new("ledger-revenue");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var refused = new HashSet<string>(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            var split = 0;
            foreach (var payment in await facts.PendingPaymentsAsync(Batch + refused.Count, ct))
            {
                if (refused.Contains(payment.PaymentId))
                    continue;
                if (RevenueSplitter.Refusal(payment) is { } refusal)
                {
                    refused.Add(payment.PaymentId);
                    LogRefused(payment.PaymentId, refusal);
                    continue;
                }
                if (await splitter.SplitAsync(payment, ct) is { } done)
                {
                    split++;
                    LogSplit(done.PaymentId, done.SnapshotRoot, done.Amount, done.Outcome, done.Lines.Count, done.Epoch);
                }
            }
            if (split == 0 && !await term.WaitAsync(Poll, ct))
                return;
            if (split > 0 && !await term.ContinueAsync(ct))
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Split payment {PaymentId} for snapshot {Root}: {Amount} ({Outcome}) over {Lines} lines in epoch {Epoch}")]
    private partial void LogSplit(string paymentId, string root, string amount, string outcome, int lines, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} cannot be split and is not credited: {Reason}")]
    private partial void LogRefused(string paymentId, string reason);
}
