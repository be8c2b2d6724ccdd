using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>Contributions sent through the portal's proxy by a script (not the page), for tests about what follows.</summary>
public static class Contributions
{
    public static Task<string> SubmitAsync(HttpClient portal, int keyIndex, string text) =>
        SubmitAsync(portal, keyIndex, Encoding.UTF8.GetBytes(text), "data", "https://example.org/portal-tests/");

    /// <summary>
    /// A contribution of <paramref name="kind"/> whose content is <paramref name="bytes"/> (a model file, say), published
    /// under <paramref name="uriPrefix"/> (the scoring policy wants a model's content-addressed: <c>ipfs://</c>).
    /// </summary>
    public static async Task<string> SubmitAsync(HttpClient portal, int keyIndex, byte[] bytes, string kind, string uriPrefix)
    {
        // Stored content begins with a random salt line (ContentSalt), as the contributions service requires.
        var content = ContentSalt.Add(bytes);
        var nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[keyIndex]), kind,
            Hex.Encode(SHA256.HashData(content)), $"{uriPrefix}{nonce}", TestChain.Licence, nonce,
            (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[keyIndex]);
        using var response = await portal.PostAsJsonAsync("/api/contributions", new
        {
            payload.Contributor, payload.Kind, payload.ContentHash, payload.ContentUri, payload.Licence, payload.Nonce, payload.Deadline,
            signature, content = Convert.ToBase64String(content),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain));
    }

    public static Task<JsonElement> WaitForStatusAsync(HttpClient portal, string id, params string[] statuses) =>
        Eventually.MatchesAsync(async () =>
        {
            using var response = await portal.GetAsync($"/api/contributions/{id}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        }, v => v.ValueKind == JsonValueKind.Object && statuses.Contains(v.GetProperty("status").GetString()),
            $"contribution {id} to reach {string.Join(" or ", statuses)}", TimeSpan.FromSeconds(120));
}
