using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>Governance set up by a script through the portal's proxy (not the page): weights earned, proposals signed.</summary>
public static class Proposals
{
    /// <summary>A signed proposal to admit a fresh validator address, as a proposer's wallet would send it; returns its id.</summary>
    public static Task<string> ProposeAsync(HttpClient portal, int keyIndex, string title) =>
        ProposeAsync(portal, keyIndex, title, "validator-admission", new { validator = Hex.Encode(RandomNumberGenerator.GetBytes(20)) },
            "Admitted so the portal's voters have something to decide.");

    /// <summary>A signed proposal of any <paramref name="kind"/> with its <paramref name="payloadValue"/> (serialized as the payload); returns its id.</summary>
    public static async Task<string> ProposeAsync(HttpClient portal, int keyIndex, string title, string kind, object payloadValue, string body)
    {
        var payload = JsonSerializer.SerializeToElement(payloadValue);
        var message = new ProposalPayload(AnvilNode.DevAddresses[keyIndex], kind, title,
            Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(body))), Hex.Encode(SHA256.HashData(JsonCanonicalizer.Canonicalize(payload))),
            (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        using var response = await portal.PostAsJsonAsync("/api/proposals", new
        {
            message.Proposer, message.Kind, message.Title, body, payload, message.Nonce, message.Deadline,
            signature = TypedDataSigner.Sign(message, TestChain.Domain, AnvilNode.DevPrivateKeys[keyIndex]),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>An address's own weight once the ledger closed an epoch in which it earned at least <paramref name="atLeast"/>.</summary>
    public static async Task<BigInteger> WaitForWeightAsync(HttpClient portal, string address, BigInteger atLeast) =>
        await Eventually.MatchesAsync(async () =>
        {
            using var response = await portal.GetAsync($"/api/voters/{address}");
            return response.IsSuccessStatusCode
                ? BigInteger.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ownWeight").GetString()!, CultureInfo.InvariantCulture)
                : BigInteger.Zero;
        }, w => w >= atLeast && w > 0, $"{address} to hold a voting weight", TimeSpan.FromSeconds(120));

    public static Task<JsonElement> WaitForStateAsync(HttpClient portal, string id, string state, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(() => portal.GetFromJsonAsync<JsonElement>($"/api/proposals/{id}"),
            p => p.GetProperty("state").GetString() == state, $"proposal {id} to be {state}", timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>A signed vote (support 1 = for), as a voter's wallet would send it.</summary>
    public static async Task VoteAsync(HttpClient portal, int keyIndex, string proposalId, byte support)
    {
        var message = new VotePayload(AnvilNode.DevAddresses[keyIndex], proposalId, support, "", (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        using var response = await portal.PostAsJsonAsync("/api/votes", new
        {
            message.Voter, message.ProposalId, message.Support, message.Reason, message.Nonce, message.Deadline,
            signature = TypedDataSigner.Sign(message, TestChain.Domain, AnvilNode.DevPrivateKeys[keyIndex]),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A veto signed by <paramref name="keyIndex"/> as itself; the answer is the caller's to judge.</summary>
    public static Task<HttpResponseMessage> VetoAsync(HttpClient portal, int keyIndex, string proposalId, string reason)
    {
        var message = new VetoPayload(AnvilNode.DevAddresses[keyIndex], proposalId, reason, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        return portal.PostAsJsonAsync("/api/vetoes", new
        {
            message.Guardian, message.ProposalId, message.Reason, message.Nonce, message.Deadline,
            signature = TypedDataSigner.Sign(message, TestChain.Domain, AnvilNode.DevPrivateKeys[keyIndex]),
        });
    }
}
