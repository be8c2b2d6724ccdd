using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// Throughput of uploads in parts: <c>count</c> files of <c>sizeMiB</c>, each opened (signed <c>ContentUpload</c>), sent
/// in parts of <c>partMiB</c> with <c>concurrency</c> parts in flight, and completed by a signed contribution; against the
/// limit of plain PostgreSQL bytea inserts of the same bytes (one row per part, as many concurrent writers) measured in
/// the same run. The service writes every byte twice (sealed parts, then the sealed whole) and hashes, seals and opens
/// it on the way, so the ratio says what the checks and the encryption cost over the database's own write rate.
///   dotnet run --project benchmarks/ContributionsIntake -c Release -- upload [count] [sizeMiB] [partMiB] [concurrency]
/// </summary>
public static class UploadRun
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var size = (args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8) * 1024 * 1024;
        var partSize = (args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1) * 1024 * 1024;
        var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        Console.WriteLine($"upload: {count} files of {size / (1024 * 1024)} MiB in parts of {partSize / (1024 * 1024)} MiB, {concurrency} parts in flight, load {LoadAverage.Read()}");

        var history = await PostgresServer.CreateDatabaseAsync("bench");
        var broker = await RabbitServer.CreateVirtualHostAsync("bench");
        try
        {
            await using var host = IntakeHost.Start(history, broker);
            var client = host.CreateClient();
            // Content made and signed before the clock starts: what is measured is the service.
            var files = Enumerable.Range(0, count + 1).Select(i => Signed(i, ContentSalt.Add(RandomNumberGenerator.GetBytes(size - ContentSalt.LineLength)), partSize)).ToArray();

            await UploadAsync(client, files[count], concurrency); // warm-up: JIT, pools, Marten's generated code
            var clock = Stopwatch.StartNew();
            foreach (var file in files[..count])
                await UploadAsync(client, file, concurrency);
            var seconds = clock.Elapsed.TotalSeconds;
            var bytes = (long)count * size;
            var uploadRate = bytes / seconds / (1024 * 1024);

            var parts = (int)(bytes / partSize);
            var rowsPerSecond = await RawByteaLimit.MeasureAsync(history, concurrency, parts, partSize);
            var rawRate = rowsPerSecond * partSize / (1024 * 1024);
            Console.WriteLine($"uploads in parts (open, parts, complete): {bytes / (1024 * 1024)} MiB in {seconds:F1} s, {uploadRate:F1} MiB/s");
            Console.WriteLine($"limit, raw bytea insert of the same bytes in rows of one part: {rawRate:F1} MiB/s");
            Console.WriteLine($"ratio upload / raw bytea write: {uploadRate / rawRate:P0}; load {LoadAverage.Read()}");
        }
        finally
        {
            await RabbitServer.DeleteVirtualHostAsync(broker);
            await PostgresServer.DropDatabaseAsync(history);
        }
    }

    internal sealed record SignedFile(byte[][] Parts, object Open, string UploadId, object Contribution);

    internal static SignedFile Signed(int i, byte[] content, int partSize)
    {
        var key = i % AnvilNode.DevPrivateKeys.Count; // one upload at a time per contributor, well under the limits
        var contributor = AnvilNode.DevAddresses[key];
        var nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 100 + (ulong)i;
        var deadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var parts = content.Chunk(partSize).ToArray();
        var hashes = parts.Select(SHA256.HashData).ToArray();
        var contentHash = Hex.Encode(SHA256.HashData(content));
        var upload = new ContentUploadPayload(contributor, contentHash, (ulong)content.Length, (uint)partSize,
            Hex.Encode(ContentUploadPayload.PartsHashOf(hashes)), nonce, deadline);
        var uploadId = Hex.Encode(TypedDataSigner.Digest(upload, TestChain.Domain));
        var open = new
        {
            upload.Contributor, upload.ContentHash, upload.Size, upload.PartSize, partHashes = hashes.Select(h => Hex.Encode(h)).ToArray(),
            upload.Nonce, upload.Deadline, signature = TypedDataSigner.Sign(upload, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        };
        var contribution = new ContributionPayload(contributor, "data", contentHash, $"ipfs://bench/{nonce}", TestChain.Licence, nonce, deadline);
        var submit = new
        {
            contribution.Contributor, contribution.Kind, contribution.ContentHash, contribution.ContentUri, contribution.Licence,
            contribution.Nonce, contribution.Deadline, signature = TypedDataSigner.Sign(contribution, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
            upload = uploadId,
        };
        return new SignedFile(parts, open, uploadId, submit);
    }

    private static async Task UploadAsync(HttpClient client, SignedFile file, int concurrency)
    {
        await SendPartsAsync(client, file, concurrency);
        using var completed = await client.PostAsJsonAsync("/api/contributions", file.Contribution);
        await ExpectAsync(completed, HttpStatusCode.Accepted);
    }

    /// <summary>Opens the upload and sends every part, <paramref name="concurrency"/> in flight; does not complete it.</summary>
    internal static async Task SendPartsAsync(HttpClient client, SignedFile file, int concurrency)
    {
        using (var opened = await client.PostAsJsonAsync("/api/uploads", file.Open))
            await ExpectAsync(opened, HttpStatusCode.Created);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < file.Parts.Length)
            {
                var content = new ByteArrayContent(file.Parts[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/uploads/{file.UploadId}/parts/{i}") { Content = content };
                request.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData(file.Parts[i]))}:");
                using var stored = await client.SendAsync(request);
                await ExpectAsync(stored, HttpStatusCode.Created);
            }
        }));
    }

    internal static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
