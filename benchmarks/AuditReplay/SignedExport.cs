using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Benchmarks.AuditReplay;

/// <summary>
/// Writes an export as the services would record a stream of contributions: each one signed by one of a thousand
/// contributors (its id the signed digest), then scored and credited. Signing is the slow part, so it runs on every core
/// and the file is kept for the next run.
/// </summary>
internal static class SignedExport
{
    public static readonly SigningDomain Domain = new(31337, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    private const int Contributors = 1000;

    public static void Write(string path, int contributions)
    {
        var keys = Enumerable.Range(1, Contributors).Select(k => Hex.Encode(SHA256.HashData(BitConverter.GetBytes(k)))).ToArray();
        var addresses = keys.Select(AddressOf).ToArray();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var signed = new (ContributionPayload Payload, string Signature)[contributions];
        Parallel.For(0, contributions, i =>
        {
            var k = i % Contributors;
            var payload = new ContributionPayload(addresses[k], "data", Hex.Encode(SHA256.HashData(BitConverter.GetBytes(i))), $"ipfs://bench/{i}",
                "CC0-1.0", (ulong)(i / Contributors + 1), 1_900_000_000);
            signed[i] = (payload, TypedDataSigner.Sign(payload, Domain, keys[k]));
        });
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        long index = 0;
        void Write(string streamId, string type, DateTimeOffset at, object data)
        {
            var row = new HistoryRow(index + 1, Guid.NewGuid(), streamId, 1, type, at, JsonSerializer.Serialize(data, JsonSerializerOptions.Web));
            stream.Write(LogEntryFormat.Build(index++, row));
            stream.WriteByte((byte)'\n');
        }
        for (var i = 0; i < contributions; i++)
        {
            var (p, signature) = signed[i];
            var id = Hex.Encode(TypedDataSigner.Digest(p, Domain));
            var at = start.AddSeconds(i);
            Write("contributions/" + id, "contribution_submitted", at, new
            {
                contributionId = id, contributor = p.Contributor, kind = p.Kind, contentHash = p.ContentHash, contentUri = p.ContentUri,
                nonce = p.Nonce.ToString(CultureInfo.InvariantCulture), deadline = (long)p.Deadline, signature, submittedAt = at, licence = p.Licence,
            });
            Write("scoring/" + id, "contribution_scored", at, new
            {
                contributionId = id, contributor = p.Contributor, kind = "data", score = 40 + i % 60, policyVersion = "scoring-1", scoredAt = at,
            });
            Write("ledger/credits/" + id, "contribution_rewarded", at, new
            {
                contributionId = id, contributor = p.Contributor, amount = ((40 + i % 60) * 100_000_000_000_000_000L).ToString(CultureInfo.InvariantCulture),
                epoch = i / 10_000, policyVersion = "genesis", creditedAt = at,
            });
        }
    }

    private static string AddressOf(string key)
    {
        // The address is whatever recovers from a signature by this key: no second implementation of key-to-address.
        var probe = new ValidatorRegistrationPayload("0x0000000000000000000000000000000000000001", 0, 0);
        return TypedDataSigner.RecoverSigner(probe, Domain, TypedDataSigner.Sign(probe, Domain, key))!;
    }
}
