namespace CommunityAI.Contracts;

/// <summary>
/// A member of the community proposed a change. Recorded by governance in stream <c>governance/proposals/{id}</c>.
/// Everything needed to recompute the proposal's timeline, weights and quorum is here or in the history before it.
/// </summary>
/// <remarks>
/// Signed as EIP-712 <c>Proposal(address proposer,string kind,string title,bytes32 bodyHash,bytes32 payloadHash,uint64 nonce,uint64 deadline)</c>
/// in the version-2 domain; the id is that digest, so it binds the proposer.
/// </remarks>
/// <param name="ProposalId">The EIP-712 digest of the signed proposal, 0x-hex.</param>
/// <param name="Proposer">The proposer's EIP-55 address (the signer).</param>
/// <param name="Kind">One of scoring-policy, reward-policy, governance-parameters, validator-admission, validator-removal, contribution-invalidation, dataset-builder-admission, dataset-builder-removal (1.14).</param>
/// <param name="Title">A one-line title.</param>
/// <param name="Body">The rationale (UTF-8 text); <paramref name="BodyHash"/> is its SHA-256.</param>
/// <param name="BodyHash">SHA-256 of the body's UTF-8 bytes, 0x-hex.</param>
/// <param name="Payload">The proposed change as RFC 8785 canonical JSON; <paramref name="PayloadHash"/> is its SHA-256.</param>
/// <param name="PayloadHash">SHA-256 of the canonical payload, 0x-hex.</param>
/// <param name="Nonce">The proposer's nonce (uint64) as a decimal string.</param>
/// <param name="Deadline">Unix seconds after which the signature was no longer valid.</param>
/// <param name="Signature">The 65-byte signature, 0x-hex.</param>
/// <param name="SnapshotEpoch">The latest reward epoch closed before submission, whose claim tree gives every weight; -1 when none had closed.</param>
/// <param name="SnapshotClaimRoot">That epoch's claim root (0x-hex), to check weights against the distributor; empty when none.</param>
/// <param name="Delegations">Delegator to delegatee in force at submission (EIP-55 addresses).</param>
/// <param name="TotalWeight">The whole weight at the snapshot, token base units as a decimal string.</param>
/// <param name="ProposerWeight">The proposer's weight at the snapshot (own plus delegated), as a decimal string.</param>
/// <param name="QuorumBasisPoints">Quorum for this proposal's kind, in 1/10,000ths of <paramref name="TotalWeight"/>.</param>
/// <param name="ParametersVersion">Version of the governance parameters in force at submission.</param>
/// <param name="SquareRootWeighting">Whether weights are square roots of earned amounts.</param>
/// <param name="SubmittedAt">When governance accepted the proposal.</param>
/// <param name="VotingStartsAt">Submission plus the voting delay.</param>
/// <param name="VotingEndsAt">Start plus the voting period (before any late-quorum extension).</param>
/// <param name="LateQuorumExtensionSeconds">How long voting runs after a quorum first reached late.</param>
/// <param name="TimelockSeconds">From a passed vote to activation.</param>
public sealed record ProposalSubmitted(
    string ProposalId,
    string Proposer,
    string Kind,
    string Title,
    string Body,
    string BodyHash,
    string Payload,
    string PayloadHash,
    string Nonce,
    long Deadline,
    string Signature,
    long SnapshotEpoch,
    string SnapshotClaimRoot,
    IReadOnlyDictionary<string, string> Delegations,
    string TotalWeight,
    string ProposerWeight,
    int QuorumBasisPoints,
    long ParametersVersion,
    bool SquareRootWeighting,
    DateTimeOffset SubmittedAt,
    DateTimeOffset VotingStartsAt,
    DateTimeOffset VotingEndsAt,
    long LateQuorumExtensionSeconds,
    long TimelockSeconds);
