using CommunityAI.Contracts;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Whether an address is admitted as a validator (id = EIP-55 address), kept with the admission events of stream
/// <c>scoring/admissions</c> in the same transaction. Only an admitted address may register, commit, reveal or be drawn.
/// </summary>
/// <param name="ProposalId">The proposal that decided the current state; null for the genesis set.</param>
public sealed record ValidatorAdmission(string Id, bool Admitted, string? ProposalId, DateTimeOffset Since)
{
    public static ValidatorAdmission Genesis(string validator, GenesisValidatorsRecorded genesis) => new(validator, true, null, genesis.RecordedAt);

    public static ValidatorAdmission From(ValidatorAdmitted admitted) => new(admitted.Validator, true, admitted.ProposalId, admitted.AdmittedAt);

    public static ValidatorAdmission From(ValidatorRemoved removed) => new(removed.Validator, false, removed.ProposalId, removed.RemovedAt);
}
