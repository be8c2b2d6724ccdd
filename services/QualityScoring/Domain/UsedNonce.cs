namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// A nonce a validator has used for one signed type (id = "{validator}/{nonce}" for registrations and reviews, as before
/// commit-reveal, and "{type}:{validator}/{nonce}" for newer types): each is accepted once per signer and type.
/// </summary>
public sealed record UsedNonce(string Id)
{
    public const string Commit = "ReviewCommit";
    /// <summary>The signed type's name for messages only: review nonces keep their untyped ids (see above).</summary>
    public const string Review = "Review";
    public const string Appeal = "Appeal";

    public static string IdFor(string validator, ulong nonce, string? type = null) =>
        (type is null ? "" : type + ":") + validator + "/" + nonce.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
