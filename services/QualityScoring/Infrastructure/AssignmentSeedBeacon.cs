using CommunityAI.ServiceDefaults.Background;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>Ends each assignment round on time (revealing its secret), on one replica at a time.</summary>
public sealed class AssignmentSeedBeacon(SeedBook seeds) : ILeaderJob
{
    public LeaderLoopSettings Settings { get; } = new("scoring-assignment-seeds");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var wait = await seeds.AdvanceAsync(ct);
            if (!await term.WaitAsync(wait, ct))
                return;
        }
    }
}
