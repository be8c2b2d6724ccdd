namespace CommunityAI.Contracts;

/// <summary>
/// The guardian vetoed a queued proposal during its timelock, with a public reason. Recorded by governance in the
/// proposal's stream, with the guardian's signed <c>Veto</c> so anyone can check who vetoed and why.
/// </summary>
/// <param name="ProposalId">The proposal, 0x-hex.</param>
/// <param name="Guardian">The guardian's EIP-55 address.</param>
/// <param name="Reason">Why, in words anyone can read (signed).</param>
/// <param name="VetoedAt">When the veto was recorded.</param>
/// <param name="Nonce">The signed nonce, decimal.</param>
/// <param name="Deadline">The signed deadline, Unix seconds.</param>
/// <param name="Signature">The guardian's EIP-712 signature of the <c>Veto</c>.</param>
public sealed record ProposalVetoed(string ProposalId, string Guardian, string Reason, DateTimeOffset VetoedAt, string Nonce = "", long Deadline = 0, string Signature = "");
