using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// What an activated governance proposal changes about who is admitted (rule in <see cref="ValidatorAdmitted"/>). Pure,
/// so the service and an auditor reach the same state from the same history.
/// </summary>
public static class AdmissionDecision
{
    public const string AdmissionKind = "validator-admission";
    public const string RemovalKind = "validator-removal";
    /// <summary><see cref="ValidatorRemoved.Reason"/> of a removal by a passed proposal.</summary>
    public const string ByGovernance = "governance";

    /// <summary>The validator a proposal of either kind names, EIP-55; null when the activation is of another kind or names none.</summary>
    public static string? Subject(PolicyActivated activation) =>
        activation.Kind is AdmissionKind or RemovalKind ? ProposalPayloads.AddressOf(activation.Payload, "validator") : null;

    /// <summary>The event to record for an activation, or null when it changes nothing.</summary>
    /// <param name="current">The subject's admission now; null when it was never admitted.</param>
    public static object? Decide(PolicyActivated activation, ValidatorAdmission? current, DateTimeOffset now)
    {
        if (Subject(activation) is not { } validator)
            return null;
        var admitted = current?.Admitted == true;
        return activation.Kind switch
        {
            AdmissionKind when !admitted => new ValidatorAdmitted(validator, activation.ProposalId.ToLowerInvariant(), now),
            RemovalKind when admitted => new ValidatorRemoved(validator, ByGovernance, activation.ProposalId.ToLowerInvariant(), now),
            _ => null,
        };
    }

    /// <summary>The configured genesis set as recorded: EIP-55, without repeats, sorted.</summary>
    public static IReadOnlyList<string> GenesisSet(IEnumerable<string> configured) =>
        configured.Select(a => Address.TryParse(a, out var checksummed) ? checksummed : throw new FormatException($"{a} is not an address"))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
}
