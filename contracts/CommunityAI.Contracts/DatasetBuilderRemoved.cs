namespace CommunityAI.Contracts;

/// <summary>
/// A dataset builder the operator had admitted by configuration is no longer in the <c>Datasets:Builders</c> setting:
/// it may sign no more snapshots. Recorded by contributions in stream <c>contributions/builders</c> at start. A builder
/// admitted by governance is never removed by a setting (there is no removal vote yet).
/// </summary>
/// <param name="Builder">The builder's EIP-55 address.</param>
/// <param name="RemovedAt">When contributions recorded the removal.</param>
public sealed record DatasetBuilderRemoved(string Builder, DateTimeOffset RemovedAt);
