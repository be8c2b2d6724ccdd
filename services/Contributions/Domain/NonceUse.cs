namespace CommunityAI.Contributions.Domain;

/// <summary>
/// A signer's nonce, taken by one contribution. Stored in the same transaction as the event, so the
/// primary key on "{address}:{nonce}" is what makes a nonce single-use across replicas.
/// </summary>
public sealed record NonceUse(string Id, string ContributionId)
{
    public static string KeyFor(string contributor, string nonce) => $"{contributor.ToLowerInvariant()}:{nonce}";
}
