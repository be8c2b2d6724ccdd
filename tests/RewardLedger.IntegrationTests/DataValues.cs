using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>Valuations as the community model records them (the round's stream, <c>model/{snapshotRoot}</c>).</summary>
internal static class DataValues
{
    /// <summary>A valuation whose data batch gained <paramref name="dataGain"/> bp with these shares, and whose feedback batch gained <paramref name="feedbackGain"/>.</summary>
    public static DataValued Valued(int? dataGain, IEnumerable<BatchShare> dataShares, int? feedbackGain = null, IEnumerable<BatchShare>? feedbackShares = null)
    {
        static BatchValue Batch(int? gain, IEnumerable<BatchShare>? shares)
        {
            var sorted = (shares ?? []).OrderBy(s => s.ContributionId, StringComparer.Ordinal).ToList();
            return new BatchValue(sorted.Sum(s => s.Examples), 40, gain is null ? null : 8000 + gain, gain is null ? null : 8000, gain, sorted);
        }
        return new DataValued(1, GainEvaluations.NewId(), GainEvaluations.NewId(), null, GainEvaluations.NewId(), GainEvaluations.NewId(), null,
            Batch(dataGain, dataShares), Batch(feedbackGain, feedbackShares));
    }

    /// <summary>A share of a new contribution of a new contributor.</summary>
    public static BatchShare NewShare(int examples) => new(GainEvaluations.NewId(), Address.Parse(LedgerSystem.RandomAddress()), examples);

    /// <summary>Records the valuation in a round stream of its own; returns its sequence.</summary>
    public static Task<long> RecordAsync(LedgerSystem system, DataValued valued) =>
        system.AppendToAsync("model/" + valued.SnapshotRoot, valued);

    public static string StreamOf(string contributionId) => "ledger/data-value/" + contributionId;
}
