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
        var content = ContentSalt.Add(Encoding.UTF8.GetBytes(text)); // a fresh salt line, as every client adds
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[keyIndex]), "data",
            Hex.Encode(SHA256.HashData(content)), $"ipfs://fault/{keyIndex}/{nonce}", TestChain.Licence, nonce,
            (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var signature = TypedDataSigner.Sign(payload, TestChain.Domain, key);
        var body = new
        {
            payload.Contributor, payload.Kind, payload.ContentHash, payload.ContentUri, payload.Licence, payload.Nonce, payload.Deadline,
            signature, content = Convert.ToBase64String(content),
        };
        return (Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), body);
    }

    /// <summary>
    /// A partner's raw JSON command for the <c>contributions-submit</c> queue: the HTTP body with the partner's id and
    /// correlation id, as a non-.NET partner publishes it.
    /// </summary>
    public static (string Id, byte[] Json) PartnerCommand(int keyIndex, ulong nonce, string text)
    {
        var (id, body) = Make(keyIndex, nonce, text);
        var json = System.Text.Json.JsonSerializer.SerializeToNode(body, System.Text.Json.JsonSerializerOptions.Web)!.AsObject();
        json["nonce"] = nonce.ToString(System.Globalization.CultureInfo.InvariantCulture);
        json["partnerId"] = "partner-fault";
        json["correlationId"] = "corr-" + id;
        return (id, Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>
    /// Submits <paramref name="count"/> contributions, one every <paramref name="interval"/>, retrying each
    /// until the service answers 202/200 (a client would retry through an outage). Returns the accepted ids.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SubmitSteadilyAsync(Func<HttpClient> client, int count, TimeSpan interval, int run, CancellationToken ct)
    {
        var accepted = new List<string>();
        var lastFailure = "none";
        for (var i = 0; i < count; i++)
        {
            var (id, body) = Make(keyIndex: 1 + i % 5, nonce: (ulong)(run * 100_000 + i), $"fault-run {run} contribution {i}");
            while (true)
            {
                if (ct.IsCancellationRequested)
                    throw new TimeoutException($"the load gave up after {accepted.Count} of {count} accepted; last failure: {lastFailure}");
                try
                {
                    using var response = await client().PostAsJsonAsync("/api/contributions", body, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        accepted.Add(id);
                        break;
                    }
                    lastFailure = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or ObjectDisposedException or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    // The service or its database is down right now; a real client retries the same signed contribution.
                    // A host stopping mid-request cancels the request itself ("Flush was canceled on underlying
                    // PipeWriter"): an OperationCanceledException that is not a TaskCanceledException, seen once in CI.
                    lastFailure = $"{ex.GetType().Name}: {ex.Message}";
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    continue; // reported above with the last failure
                }
                try
                {
                    await Task.Delay(250, ct);
                }
                catch (OperationCanceledException)
                {
                    // reported at the top of the loop
                }
            }
            await Task.Delay(interval, CancellationToken.None);
        }
        return accepted;
    }
}
