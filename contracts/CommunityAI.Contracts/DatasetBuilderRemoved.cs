namespace CommunityAI.Contracts;

/// <summary>
/// An address may sign no more dataset snapshots. Recorded by contributions in stream <c>contributions/builders</c>:
/// either at start, for a builder the operator had admitted by configuration and the <c>Datasets:Builders</c> setting no
/// longer lists, or from governance's stored <see cref="PolicyActivated"/> of kind <c>dataset-builder-removal</c> (never a
/// bus message), which removes a builder however it was admitted.
/// </summary>
/// <remarks>
/// A removal by governance also bars the address: the setting cannot admit it again, only a later
/// <c>dataset-builder-admission</c> vote can. It is recorded even for an address not admitted at the time, so the bar is
/// in the history; a second removal of a barred address records nothing. Added in 1.14.0: <paramref name="By"/> and
/// <paramref name="ProposalId"/>; earlier removals (both absent) were by configuration.
/// </remarks>
/// <param name="Builder">The builder's EIP-55 address.</param>
/// <param name="RemovedAt">When contributions recorded the removal.</param>
/// <param name="By"><c>governance</c> (a passed proposal) or <c>configuration</c> (the operator's setting); null before 1.14.0.</param>
/// <param name="ProposalId">The activated <c>dataset-builder-removal</c> proposal, 0x-hex; null when removed by configuration.</param>
public sealed record DatasetBuilderRemoved(string Builder, DateTimeOffset RemovedAt, string? By = null, string? ProposalId = null);
