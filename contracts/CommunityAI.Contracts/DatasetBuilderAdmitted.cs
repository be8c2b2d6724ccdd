namespace CommunityAI.Contracts;

/// <summary>
/// An address was admitted as a dataset builder: from now on it may sign dataset snapshots and exports
/// (<see cref="DatasetSnapshotted"/>). Recorded by contributions in stream <c>contributions/builders</c>, either from
/// governance's stored <see cref="PolicyActivated"/> of kind <c>dataset-builder-admission</c> (never a bus message), or
/// because the operator listed the address in the <c>Datasets:Builders</c> setting; the history says which.
/// </summary>
/// <remarks>
/// Who may build datasets is recomputable from the history alone: these admissions and <see cref="DatasetBuilderRemoved"/>,
/// in log order; a snapshot by an address not admitted at that point is an audit finding. Admitting an admitted builder
/// records nothing.
/// </remarks>
/// <param name="Builder">The builder's EIP-55 address.</param>
/// <param name="By"><c>governance</c> (a passed proposal) or <c>configuration</c> (the operator's setting).</param>
/// <param name="ProposalId">The activated proposal, 0x-hex; null when admitted by configuration.</param>
/// <param name="AdmittedAt">When contributions recorded the admission.</param>
public sealed record DatasetBuilderAdmitted(string Builder, string By, string? ProposalId, DateTimeOffset AdmittedAt)
{
    /// <summary>Admitted by a passed <c>dataset-builder-admission</c> proposal.</summary>
    public const string ByGovernance = "governance";

    /// <summary>Admitted by the operator's <c>Datasets:Builders</c> setting.</summary>
    public const string ByConfiguration = "configuration";
}
