namespace CommunityAI.Contracts;

/// <summary>
/// The validators admitted from the start, recorded once at quality-scoring's very first start from its configuration
/// (<c>Scoring:GenesisValidators</c>), as the first event of stream <c>scoring/admissions</c>. A later change of the
/// configuration changes nothing: after genesis only a passed <c>validator-admission</c> or <c>validator-removal</c>
/// proposal does (<see cref="ValidatorAdmitted"/>, <see cref="ValidatorRemoved"/>).
/// </summary>
/// <param name="Validators">The admitted EIP-55 addresses, sorted; may be empty.</param>
/// <param name="RecordedAt">When the genesis set was recorded.</param>
/// <param name="RemovalAfterFloorRounds">
/// A validator whose reputation is at its policy's floor (<see cref="ReputationChanged.Next"/> at or below the floor of
/// the named policy) after this many consecutive reputation changes is removed (<see cref="ValidatorRemoved"/> with reason
/// <c>reputation</c>), in the transaction that records the last of them; null or 0: never.
/// </param>
public sealed record GenesisValidatorsRecorded(IReadOnlyList<string> Validators, DateTimeOffset RecordedAt, int? RemovalAfterFloorRounds = null);
