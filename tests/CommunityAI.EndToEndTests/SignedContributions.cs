using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.EndToEndTests;

/// <summary>Signed contributions from anvil's dev accounts, and a steady stream of them for fault tests.</summary>
public static class SignedContributions
{
    public static (string Id, object Body) Make(int keyIndex, ulong nonce, string text)
    {
        var key = AnvilNode.DevPrivateKeys[keyIndex];
        var content = Encoding.UTF8.GetBytes(text);
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[keyIndex]), "data",
            Hex.Encode(SHA256.HashData(content)), $"ipfs://fault/{keyIndex}/{nonce}", nonce,
            (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var signature = TypedDataSigner.Sign(payload, (ulong)AnvilNode.ChainId, key);
        var body = new
        {
            payload.Contributor, payload.Kind, payload.ContentHash, payload.ContentUri, payload.Nonce, payload.Deadline,
            signature, content = Convert.ToBase64String(content),
        };
        return (Hex.Encode(TypedDataSigner.Digest(payload, (ulong)AnvilNode.ChainId)), body);
    }

    /// <summary>
    /// Submits <paramref name="count"/> contributions, one every <paramref name="interval"/>, retrying each
    /// until the service answers 202/200 (a client would retry through an outage). Returns the accepted ids.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SubmitSteadilyAsync(Func<HttpClient> client, int count, TimeSpan interval, int run, CancellationToken ct)
    {
        var accepted = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (id, body) = Make(keyIndex: 1 + i % 5, nonce: (ulong)(run * 100_000 + i), $"fault-run {run} contribution {i}");
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    using var response = await client().PostAsJsonAsync("/api/contributions", body, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        accepted.Add(id);
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or ObjectDisposedException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    // the service or its database is down right now; a real client retries the same signed contribution
                }
                await Task.Delay(250, ct);
            }
            await Task.Delay(interval, ct);
        }
        return accepted;
    }
}
