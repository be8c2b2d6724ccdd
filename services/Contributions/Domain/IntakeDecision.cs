using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Contributions.Domain;

/// <summary>The outcome of checking a submission, before anything is stored.</summary>
public abstract record IntakeDecision
{
    private IntakeDecision() { }

    /// <summary>Well-formed and correctly signed: ready to append, with the inline content (salt line included) for the encrypted store.</summary>
    public sealed record Accept(ContributionSubmitted Event, byte[]? Content) : IntakeDecision;

    /// <summary>Malformed input: each field with the rule it broke (HTTP 400).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : IntakeDecision;

    /// <summary>The signature does not recover to the claimed contributor in our domain, or is over the retired version-1 domain (HTTP 401).</summary>
    public sealed record Unsigned(SigningError Error) : IntakeDecision;
}
