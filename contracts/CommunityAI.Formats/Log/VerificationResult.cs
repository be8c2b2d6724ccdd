namespace CommunityAI.Formats.Log;

/// <summary>
/// The outcome of checking a proof: valid, or exactly what failed, in words an auditor can act on
/// (for example "proof has 3 hashes, expected 4 for index 5 in a tree of 9").
/// </summary>
public sealed record VerificationResult
{
    private VerificationResult(ProofFailure failure, string message)
    {
        Failure = failure;
        Message = message;
    }

    /// <summary>The result of a proof that verified.</summary>
    public static VerificationResult Valid { get; } = new(ProofFailure.None, "valid");

    /// <summary>True when the proof verified.</summary>
    public bool IsValid => Failure == ProofFailure.None;

    /// <summary>Which check failed, or <see cref="ProofFailure.None"/>.</summary>
    public ProofFailure Failure { get; }

    /// <summary>"valid", or what failed with the numbers and hashes involved.</summary>
    public string Message { get; }

    internal static VerificationResult Fail(ProofFailure failure, string message) => new(failure, message);

    /// <summary>The message.</summary>
    /// <returns><see cref="Message"/>.</returns>
    public override string ToString() => Message;
}
