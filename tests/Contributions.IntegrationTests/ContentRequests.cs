using System.Net.Http.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace Contributions.IntegrationTests;

/// <summary>Signed reads and erasures of stored content, as a validator's or contributor's wallet would send them.</summary>
public static class ContentRequests
{
    public static object Read(int keyIndex, string contributionId, ulong? nonce = null, int? signingKey = null)
    {
        var payload = new ContentReadPayload(AnvilNode.DevAddresses[keyIndex], contributionId, nonce ?? Signed.NextNonce(),
            (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        return new
        {
            payload.Reader, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? keyIndex]),
        };
    }

    public static object Erasure(int keyIndex, string contributionId, ulong? nonce = null, int? signingKey = null)
    {
        var payload = new ErasurePayload(AnvilNode.DevAddresses[keyIndex], contributionId, nonce ?? Signed.NextNonce(),
            (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        return new
        {
            payload.Contributor, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? keyIndex]),
        };
    }

    public static Task<HttpResponseMessage> ReadAsync(this HttpClient client, string id, object body) =>
        client.PostAsJsonAsync($"/api/contributions/{id}/content", body);

    public static Task<HttpResponseMessage> EraseAsync(this HttpClient client, string id, object body) =>
        client.PostAsJsonAsync($"/api/contributions/{id}/erasure", body);
}
