namespace CommunityAI.QualityScoring.Domain;

/// <summary>A nonce a validator has used (id = "{validator}/{nonce}"): each is accepted once across reviews and registration.</summary>
public sealed record UsedNonce(string Id)
{
    public static string IdFor(string validator, ulong nonce) => validator + "/" + nonce.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
