using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>Distinct contributions signed before the clock starts, so the run measures intake, not our signing.</summary>
public static class Presigned
{
    /// <param name="padding">Extra characters of text per content, for upload-size runs.</param>
    public static byte[][] Bodies(int count, int padding = 0)
    {
        var filler = new string('x', padding);
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var deadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var bodies = new byte[count][];
        Parallel.For(0, count, i =>
        {
            var key = 1 + i % 9;
            var content = ContentSalt.Add(Encoding.UTF8.GetBytes($"benchmark contribution {run}/{i}{filler}")); // salted, as every client
            var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[key]), "data",
                Hex.Encode(SHA256.HashData(content)), $"ipfs://bench/{run}/{i}", TestChain.Licence, (ulong)(run * 1_000_000 + i), deadline);
            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(new
            {
                contributor = payload.Contributor, kind = payload.Kind, contentHash = payload.ContentHash, contentUri = payload.ContentUri,
                licence = payload.Licence, nonce = payload.Nonce.ToString(CultureInfo.InvariantCulture), deadline = payload.Deadline,
                signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
                content = Convert.ToBase64String(content),
            });
        });
        return bodies;
    }

    /// <summary>The event the service would append for body <paramref name="i"/>: same size and shape, for the raw limit.</summary>
    public static ContributionSubmitted Event(int i) => new(
        $"0x{i:x64}", AnvilNode.DevAddresses[1 + i % 9], "data", "0x" + new string('a', 64), $"ipfs://bench/limit/{i}",
        i.ToString(CultureInfo.InvariantCulture), 1_900_000_000, "0x" + new string('b', 130), 40, DateTimeOffset.UtcNow, Licence: TestChain.Licence);
}
