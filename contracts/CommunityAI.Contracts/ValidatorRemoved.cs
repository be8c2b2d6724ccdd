namespace CommunityAI.Contracts;

/// <summary>
/// A validator was removed: it is never drawn as a reviewer again, its commitments and reveals are refused, and each of
/// its open assignments not yet revealed is handed on (<see cref="ReviewerReassigned"/>, reason <c>removed</c>), a
/// committed one included. Recorded by quality-scoring in stream
/// <c>scoring/admissions</c>.
/// </summary>
/// <param name="Validator">The validator's EIP-55 address.</param>
/// <param name="Reason">
/// <c>governance</c>: a passed <c>validator-removal</c> proposal (<paramref name="ProposalId"/>); <c>reputation</c>: its
/// reputation stayed at the policy's floor for <see cref="GenesisValidatorsRecorded.RemovalAfterFloorRounds"/> consecutive changes.
/// </param>
/// <param name="ProposalId">The activated proposal, 0x-hex; null when the removal had another reason.</param>
/// <param name="RemovedAt">When quality-scoring recorded the removal.</param>
public sealed record ValidatorRemoved(string Validator, string Reason, string? ProposalId, DateTimeOffset RemovedAt);
