using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// Whom an address delegates to now, built by Marten from <c>governance/delegations/{delegator}</c> (inline snapshot).
/// </summary>
public sealed record Delegation
{
    /// <summary>The stream key, <c>governance/delegations/{delegator}</c>.</summary>
    public required string Id { get; init; }
    public required string Delegator { get; init; }

    /// <summary>The delegatee, or null when the delegation was revoked.</summary>
    public string? Delegatee { get; init; }

    public DateTimeOffset ChangedAt { get; init; }

    public static string StreamKey(string delegator) => "governance/delegations/" + delegator;

    public static Delegation Create(DelegationChanged changed) =>
        new Delegation { Id = StreamKey(changed.Delegator), Delegator = changed.Delegator }.Apply(changed);

    public Delegation Apply(DelegationChanged changed) => this with
    {
        Delegatee = changed.Delegatee == Address.Zero ? null : changed.Delegatee,
        ChangedAt = changed.ChangedAt,
    };
}
