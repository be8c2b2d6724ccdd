using CommunityAI.Contracts;

namespace CommunityAI.Contributions.Domain;

/// <summary>The outcome of checking a submission, before anything is stored.</summary>
public abstract record IntakeDecision
{
    private IntakeDecision() { }

    /// <summary>Well-formed and correctly signed: ready to append.</summary>
    public sealed record Accept(ContributionSubmitted Event) : IntakeDecision;

    /// <summary>Malformed input: each field with the rule it broke (HTTP 400).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : IntakeDecision;

    /// <summary>The signature does not recover to the claimed contributor (HTTP 401).</summary>
    public sealed record Unsigned(string Reason) : IntakeDecision;
}
