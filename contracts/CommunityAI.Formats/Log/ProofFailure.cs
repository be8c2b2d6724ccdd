namespace CommunityAI.Formats.Log;

/// <summary>What part of a proof check failed; <see cref="VerificationResult.Message"/> gives the details.</summary>
public enum ProofFailure
{
    /// <summary>The proof verified.</summary>
    None = 0,

    /// <summary>A leaf index or tree size does not fit: index past the tree, negative sizes, sizes out of order.</summary>
    OutOfRange,

    /// <summary>The proof has more or fewer hashes than the tree shape requires.</summary>
    WrongProofLength,

    /// <summary>A hash (leaf, root or proof element) is missing or not 32 bytes.</summary>
    MalformedHash,

    /// <summary>The root recomputed from the proof differs from the one claimed.</summary>
    RootMismatch,
}
