namespace CommunityAI.Governance.Domain;

/// <summary>How governance answered a signed request; each case maps to one HTTP answer.</summary>
public abstract record DeskOutcome
{
    private DeskOutcome() { }

    /// <summary>Recorded (or, for the identical request again, already recorded).</summary>
    public sealed record Recorded(string Id, bool Again) : DeskOutcome;

    /// <summary>400: malformed, with the broken rules per field.</summary>
    public sealed record Malformed(IReadOnlyDictionary<string, string[]> Errors) : DeskOutcome;

    /// <summary>401: the signature is not the signer's in our domain.</summary>
    public sealed record Unsigned(CommunityAI.Formats.Signing.SigningError Error) : DeskOutcome;

    /// <summary>403: the signer has no (or not enough) weight.</summary>
    public sealed record NoWeight(string Field, string Detail) : DeskOutcome;

    /// <summary>403: the signer is not the one allowed to do this (a veto not signed by the configured guardian).</summary>
    public sealed record NotAllowed(string Field, string Detail) : DeskOutcome;

    /// <summary>404: no such proposal.</summary>
    public sealed record Unknown(string Field, string Detail) : DeskOutcome;

    /// <summary>409: outside the voting period, a second vote, or a nonce already used.</summary>
    public sealed record Conflict(string Field, string Detail) : DeskOutcome;

    /// <summary>429: the signer made more signed requests than its allowance in the current window.</summary>
    public sealed record TooMany(string Field, string Detail) : DeskOutcome;

    /// <summary>503: the weights cannot be established (the ledger's events disagree with the published root).</summary>
    public sealed record Unavailable(string Detail) : DeskOutcome;
}
