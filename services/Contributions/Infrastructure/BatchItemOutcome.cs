using CommunityAI.Contributions.Domain;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>What became of one item of a batch, in the terms the single submission is answered in.</summary>
public abstract record BatchItemOutcome
{
    private BatchItemOutcome() { }

    /// <summary>Refused by the intake checks: <see cref="IntakeDecision.Invalid"/> or <see cref="IntakeDecision.Unsigned"/>.</summary>
    public sealed record Refused(IntakeDecision Decision) : BatchItemOutcome;

    /// <summary>Correctly signed, but its signer's allowance for the window is used up.</summary>
    public sealed record OverQuota(string Contributor) : BatchItemOutcome;

    /// <summary>Passed every check; what the store made of it (stored, a replay, or a nonce another contribution holds).</summary>
    public sealed record Appended(AppendOutcome Outcome) : BatchItemOutcome;
}
