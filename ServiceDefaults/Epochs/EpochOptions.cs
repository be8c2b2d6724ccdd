using System.ComponentModel.DataAnnotations;

namespace CommunityAI.ServiceDefaults.Epochs;

/// <summary>
/// The pay epochs, from configuration section "Epochs": the reward ledger's credits and claim roots, and quality-scoring's
/// cap on reviews per validator per epoch, count the same epochs (deploy/ sets them once, for both).
/// </summary>
public sealed class EpochOptions
{
    public const string Section = "Epochs";

    /// <summary>Start of epoch 0.</summary>
    public DateTimeOffset Genesis { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Range(typeof(TimeSpan), "00:00:01", "366.00:00:00")]
    public TimeSpan Length { get; set; } = TimeSpan.FromDays(1);

    public long EpochAt(DateTimeOffset time) => Math.Max(0, (time - Genesis).Ticks / Length.Ticks);

    public DateTimeOffset StartOf(long epoch) => Genesis + epoch * Length;

    public DateTimeOffset EndOf(long epoch) => StartOf(epoch + 1);
}
