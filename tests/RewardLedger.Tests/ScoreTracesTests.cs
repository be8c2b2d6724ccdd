using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.History;

namespace RewardLedger.Tests;

/// <summary>
/// A credit continues the trace its score was appended in: the follower pairs each score with its stored context by the
/// score's own contribution id, which the credit writer looks up in lower case.
/// </summary>
public sealed class ScoreTracesTests
{
    [Fact]
    public void Each_scores_trace_is_found_by_the_id_its_credit_looks_it_up_by()
    {
        const string id = "0xAB12CD34";
        var scored = new ContributionScored(id, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "data", 80, "genesis", DateTimeOffset.UnixEpoch);
        const string trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var events = new List<StoredEvent>
        {
            // Stored under a stream whose name is not the id: the pairing must come from the score, not the stream.
            Score(1, "scoring/cases/7", scored, trace),
            Score(2, "scoring/cases/8", scored with { ContributionId = "0xEF56" }, null),
            // Another service's event of the same type is no score.
            Score(3, "contributions/0xab12cd34", scored with { ContributionId = "0x99" }, "00-11111111111111111111111111111111-2222222222222222-01"),
        };

        var (scores, traces) = ScoreFollower.ScoresIn(events);

        Assert.Equal([id, "0xEF56"], scores.Select(s => s.ContributionId));
        Assert.Equal(trace, traces["0xab12cd34"]);
        Assert.False(traces.ContainsKey("0xef56"));
        Assert.False(traces.ContainsKey("0x99"));
    }

    private static StoredEvent Score(long sequence, string stream, ContributionScored scored, string? traceParent) =>
        new(sequence, Guid.NewGuid(), stream, 1, OutboxRoutes.EventTypeName(typeof(ContributionScored)), DateTimeOffset.UnixEpoch,
            JsonSerializer.Serialize(scored, OutboxRoutes.HistoryJson), traceParent);
}
