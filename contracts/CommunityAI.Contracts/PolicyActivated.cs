namespace CommunityAI.Contracts;

/// <summary>
/// A passed proposal's timelock ended and its payload is in force. Recorded by governance in the proposal's stream;
/// the service that owns the policy applies it from the history (reward-ledger from the next epoch, quality-scoring
/// to cases opened afterwards, governance to proposals submitted afterwards).
/// </summary>
/// <param name="ProposalId">The proposal that passed, 0x-hex.</param>
/// <param name="Kind">The proposal's kind.</param>
/// <param name="Payload">The payload as RFC 8785 canonical JSON.</param>
/// <param name="PayloadHash">SHA-256 of the payload, 0x-hex.</param>
/// <param name="ActivatedAt">When it came into force.</param>
public sealed record PolicyActivated(string ProposalId, string Kind, string Payload, string PayloadHash, DateTimeOffset ActivatedAt);
