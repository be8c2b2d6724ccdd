namespace CommunityAI.Contracts;

/// <summary>
/// A validator was admitted by a passed <c>validator-admission</c> proposal: from now on it may register
/// (<see cref="ValidatorRegistered"/>) and be drawn as a reviewer. Recorded by quality-scoring in stream
/// <c>scoring/admissions</c>, from governance's stored <see cref="PolicyActivated"/> (never from a bus message).
/// </summary>
/// <remarks>
/// Admission state is recomputable from the history alone: the <see cref="GenesisValidatorsRecorded"/> set, then each
/// activation of kind <c>validator-admission</c> or <c>validator-removal</c> in governance's streams, in log order. An
/// activation that changes nothing (admitting an admitted validator, removing one not admitted) records nothing.
/// </remarks>
/// <param name="Validator">The validator's EIP-55 address (the proposal payload's <c>validator</c>).</param>
/// <param name="ProposalId">The activated proposal, 0x-hex.</param>
/// <param name="AdmittedAt">When quality-scoring recorded the admission.</param>
public sealed record ValidatorAdmitted(string Validator, string ProposalId, DateTimeOffset AdmittedAt);
