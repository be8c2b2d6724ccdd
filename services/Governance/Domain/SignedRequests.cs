using System.Text.Json;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// <c>POST /api/proposals</c>: the signed <c>Proposal</c> fields plus what the hashes commit to (the body text and the
/// payload), so governance checks both hashes itself. Nothing is trusted until checked.
/// </summary>
public sealed record ProposalRequest(
    string? Proposer, string? Kind, string? Title, string? Body, JsonElement? Payload, ulong? Nonce, ulong? Deadline, string? Signature);

/// <summary><c>POST /api/votes</c>: a signed <c>Vote</c>.</summary>
public sealed record VoteRequest(string? Voter, string? ProposalId, int? Support, string? Reason, ulong? Nonce, ulong? Deadline, string? Signature);

/// <summary><c>POST /api/delegations</c>: a signed <c>Delegation</c>; the zero address as delegatee revokes.</summary>
public sealed record DelegationRequest(string? Delegator, string? Delegatee, ulong? Nonce, ulong? Deadline, string? Signature);

/// <summary><c>POST /api/vetoes</c>: the guardian's signed <c>Veto</c> of a queued proposal, with its public reason.</summary>
public sealed record VetoRequest(string? Guardian, string? ProposalId, string? Reason, ulong? Nonce, ulong? Deadline, string? Signature);

/// <summary>Bounds on what a request may carry: the history keeps it forever.</summary>
public static class RequestLimits
{
    public const int Title = 200;
    public const int Body = 32 * 1024;
    public const int Payload = 32 * 1024;
    public const int Reason = 1_000;

    /// <summary>Bytes a POST body may have before anything is read.</summary>
    public const int PostBody = 96 * 1024;
}
