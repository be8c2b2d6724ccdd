namespace CommunityAI.Contracts;

/// <summary>
/// A vote was counted. Recorded by governance in the proposal's stream <c>governance/proposals/{id}</c>; its log
/// index and an inclusion proof to an anchored head are the vote's receipt.
/// </summary>
/// <remarks>Signed as EIP-712 <c>Vote(address voter,bytes32 proposalId,uint8 support,string reason,uint64 nonce,uint64 deadline)</c> in the version-2 domain.</remarks>
/// <param name="ProposalId">The proposal voted on, 0x-hex.</param>
/// <param name="Voter">The voter's EIP-55 address (the signer).</param>
/// <param name="Support">0 against, 1 for, 2 abstain (OpenZeppelin Governor's numbering).</param>
/// <param name="Reason">The voter's reason, possibly empty.</param>
/// <param name="Weight">The weight counted when the vote was cast (own plus delegators who had not voted), decimal string.</param>
/// <param name="Nonce">The voter's nonce (uint64) as a decimal string.</param>
/// <param name="Deadline">Unix seconds after which the signature was no longer valid.</param>
/// <param name="Signature">The 65-byte signature, 0x-hex.</param>
/// <param name="CastAt">When governance counted the vote.</param>
/// <param name="VoteId">The EIP-712 digest of the signed vote, 0x-hex: the vote's id for its receipt.</param>
public sealed record VoteCast(
    string ProposalId,
    string Voter,
    int Support,
    string Reason,
    string Weight,
    string Nonce,
    long Deadline,
    string Signature,
    DateTimeOffset CastAt,
    string VoteId);
