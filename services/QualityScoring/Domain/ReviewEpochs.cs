using System.ComponentModel.DataAnnotations;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// The epochs in which the cap on reviews per validator counts: the reward ledger's epochs, read from the same
/// configuration section <c>Epochs</c> with the same defaults, so a cap bounds one validator's part of each pay epoch.
/// </summary>
public sealed class ReviewEpochs
{
    public const string Section = "Epochs";

    /// <summary>Start of epoch 0.</summary>
    public DateTimeOffset Genesis { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Range(typeof(TimeSpan), "00:00:01", "366.00:00:00")]
    public TimeSpan Length { get; set; } = TimeSpan.FromDays(1);

    public long EpochAt(DateTimeOffset time) => Math.Max(0, (time - Genesis).Ticks / Length.Ticks);
}
