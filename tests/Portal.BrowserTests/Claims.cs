using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>Claims as the tests about paying them need them: ready only once the distributor holds the proof's root.</summary>
public static class Claims
{
    /// <summary>
    /// Waits until the ledger serves <paramref name="account"/>'s claim and the distributor on chain holds the root its
    /// proof is for (the epoch closed and its root was published); returns the claim's cumulative amount.
    /// </summary>
    public static async Task<BigInteger> WaitForClaimableAsync(HttpClient portal, DistributorContract distributor, string account)
    {
        var claim = await Eventually.MatchesAsync(async () =>
        {
            using var response = await portal.GetAsync($"/api/claims/{account}");
            if (!response.IsSuccessStatusCode)
                return (JsonElement?)null;
            var found = await response.Content.ReadFromJsonAsync<JsonElement>();
            var onChain = await distributor.GetClaimableRootAsync();
            return Hex.Encode(onChain.Root) == found.GetProperty("root").GetString() ? found : null;
        }, c => c is not null, "a claim whose root the distributor holds", TimeSpan.FromSeconds(120));
        return BigInteger.Parse(claim!.Value.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture);
    }
}
