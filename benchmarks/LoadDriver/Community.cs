using System.Security.Cryptography;
using System.Text;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using Nethereum.Signer;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>A signed submission ready to send: the HTTP body and the id the service must answer with.</summary>
public sealed record SignedSubmission(string Id, string Body);

/// <summary>
/// A community of contributors, each with its own key and nonces. Everything is signed before the clock
/// starts, so the measured rate is the service's, not the driver's signing speed.
/// </summary>
public static class Community
{
    private static readonly string[] Kinds = ["data", "feedback", "knowledge", "model"];

    public static IReadOnlyList<SignedSubmission> Sign(int contributors, int count, SigningDomain domain)
    {
        var keys = Enumerable.Range(0, contributors).Select(_ => EthECKey.GenerateKey()).ToArray();
        var runTag = Guid.NewGuid().ToString("N")[..8];
        var runSeed = RandomNumberGenerator.GetInt32(int.MaxValue);
        var deadline = (ulong)DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
        var submissions = new SignedSubmission[count];
        Parallel.For(0, count, i =>
        {
            var key = keys[i % contributors];
            // Distinct texts: near-identical ones would be scored as near duplicates at once and never reach validators.
            var content = ContentSalt.Add(Encoding.UTF8.GetBytes($"contribution {i} of run {runTag}: {Words(runSeed, i)}")); // salted, as every client
            var payload = new ContributionPayload(Address.Parse(key.GetPublicAddress()), Kinds[i % Kinds.Length],
                Hex.Encode(SHA256.HashData(content)), $"ipfs://run-{runTag}/{i}", Licence: "CC-BY-4.0", Nonce: (ulong)(i / contributors), Deadline: deadline);
            var signature = TypedDataSigner.Sign(payload, domain, key.GetPrivateKey());
            var body = System.Text.Json.JsonSerializer.Serialize(new
            {
                contributor = payload.Contributor, kind = payload.Kind, contentHash = payload.ContentHash,
                contentUri = payload.ContentUri, licence = payload.Licence, nonce = payload.Nonce, deadline = payload.Deadline,
                signature, content = Convert.ToBase64String(content),
            });
            submissions[i] = new SignedSubmission(Hex.Encode(TypedDataSigner.Digest(payload, domain)), body);
        });
        return submissions;
    }

    /// <summary>
    /// Sixteen pseudo-random words, different for every contribution of every run: seeded by the index alone, run i of the
    /// next run repeated run i of the last, and 592 of 600 contributions of a second run were near duplicates, never reviewed.
    /// </summary>
    private static string Words(int runSeed, int index)
    {
        var random = new Random(HashCode.Combine(runSeed, index));
        return string.Join(' ', Enumerable.Range(0, 16).Select(_ =>
            new string(Enumerable.Range(0, random.Next(4, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray())));
    }
}
