namespace CommunityAI.Governance.Domain;

/// <summary>
/// A nonce taken by a signer for one signed type; inserted in the transaction that records the request, so the
/// primary key refuses a replay even between replicas.
/// </summary>
public sealed record UsedNonce(string Id, string RecordedAs)
{
    public static string KeyFor(string type, string signer, ulong nonce) => $"{type}:{signer}:{nonce}";
}
