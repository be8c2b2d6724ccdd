using CommunityAI.Governance.Domain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>Runs <see cref="ProposalCloser"/> on one replica at a time (the leader loop), every <see cref="GovernanceOptions.CloseInterval"/>.</summary>
public sealed partial class ProposalCloserService(
    ProposalCloser closer,
    IOptions<GovernanceOptions> options,
    ILogger<ProposalCloserService> logger) : ILeaderJob
{
    // Recording an outcome is idempotent (the stream's expected version), so a new term simply looks again.
    public LeaderLoopSettings Settings { get; } = new("governance-closer");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (await closer.CloseDueAsync(ct) is > 0 and var recorded)
                LogRecorded(recorded);
            if (!await term.WaitAsync(options.Value.CloseInterval, ct))
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded {Count} proposal outcomes")]
    private partial void LogRecorded(int count);
}
