namespace CommunityAI.Contracts;

/// <summary>
/// An address delegated its voting weight, or revoked a delegation (delegatee the zero address). Recorded by
/// governance in stream <c>governance/delegations/{delegator}</c>; proposals submitted afterwards use it.
/// </summary>
/// <remarks>Signed as EIP-712 <c>Delegation(address delegator,address delegatee,uint64 nonce,uint64 deadline)</c> in the version-2 domain.</remarks>
/// <param name="Delegator">The delegating EIP-55 address (the signer).</param>
/// <param name="Delegatee">The EIP-55 address receiving the weight; the zero address revokes.</param>
/// <param name="Nonce">The delegator's nonce (uint64) as a decimal string.</param>
/// <param name="Deadline">Unix seconds after which the signature was no longer valid.</param>
/// <param name="Signature">The 65-byte signature, 0x-hex.</param>
/// <param name="ChangedAt">When governance recorded it.</param>
public sealed record DelegationChanged(
    string Delegator,
    string Delegatee,
    string Nonce,
    long Deadline,
    string Signature,
    DateTimeOffset ChangedAt);
