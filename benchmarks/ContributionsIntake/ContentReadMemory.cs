using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// The memory of a validator's read of one large content: a file of <c>sizeMiB</c> is uploaded in parts of
/// <c>partMiB</c> and completed, a validator is assigned, then its signed read (<c>POST /api/contributions/{id}/content</c>)
/// is answered while the live managed heap is sampled (a full collection before each sample, as the other memory runs
/// do) and the bytes allocated are counted. The client reads the answer a buffer at a time and keeps nothing, so the
/// numbers are the service's.
///   dotnet run --project benchmarks/ContributionsIntake -- read-memory [sizeMiB] [partMiB]
/// </summary>
public static class ContentReadMemory
{
    private const int Validator = 5;

    public static async Task RunAsync(string[] args)
    {
        var size = (args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 64) * 1024 * 1024;
        var partSize = (args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1) * 1024 * 1024;
        Console.WriteLine($"read-memory: one content of {MiB(size)} sealed in segments of {MiB(partSize)}, load {LoadAverage.Read()}");

        var history = await PostgresServer.CreateDatabaseAsync("bench");
        var broker = await RabbitServer.CreateVirtualHostAsync("bench");
        try
        {
            await using var host = IntakeHost.Start(history, broker);
            var client = host.CreateClient();
            // A small content read first: JIT, pools and Marten's generated code are not what is measured.
            var (warmUp, _) = await StoreAsync(host, client, 1, ContentSalt.Add(RandomNumberGenerator.GetBytes(2 * partSize)), partSize);
            await ReadAsync(client, warmUp);
            // The file's bytes stay referenced to the end, so they are in the level before and not let go of during the read.
            var (id, file) = await StoreAsync(host, client, 2, ContentSalt.Add(RandomNumberGenerator.GetBytes(size - ContentSalt.LineLength)), partSize);
            // The same content read once before, unmeasured: whatever the upload left that a read lets go of (64 MiB was, in
            // a first version of this run) is gone before the level is taken, and the measured read is the second.
            await ReadAsync(client, id);

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            long peak = baseline, low = baseline;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    var live = GC.GetTotalMemory(forceFullCollection: true);
                    (peak, low) = (Math.Max(peak, live), Math.Min(low, live));
                    await Task.Delay(5);
                }
            });
            var clock = Stopwatch.StartNew();
            var answered = await ReadAsync(client, id);
            clock.Stop();
            await sampling.CancelAsync();
            await sampler;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            GC.KeepAlive(file);

            Console.WriteLine($"validator's read (POST /api/contributions/{{id}}/content): {clock.Elapsed.TotalSeconds:F2} s, {MiB(answered)} of JSON answered");
            // The lowest level shows whether anything of the level before was let go of during the read (it should not be).
            Console.WriteLine($"peak live managed heap above the level before: {MiB(peak - baseline)}; above the lowest level during the read: {MiB(peak - low)} (lowest {MiB(low - baseline)} from the level before); allocated during the read: {MiB(allocated)}");
            Console.WriteLine($"ratio peak / content: {(double)(peak - baseline) / size:P0}; peak / segment: {(double)(peak - baseline) / partSize:F1}; load {LoadAverage.Read()}");
        }
        finally
        {
            await RabbitServer.DeleteVirtualHostAsync(broker);
            await PostgresServer.DropDatabaseAsync(history);
        }
    }

    /// <summary>Uploads and completes the file, then assigns the validator to it; returns the contribution id.</summary>
    private static async Task<(string Id, UploadRun.SignedFile File)> StoreAsync(IntakeHost host, HttpClient client, int i, byte[] content, int partSize)
    {
        var file = UploadRun.Signed(i, content, partSize);
        await UploadRun.SendPartsAsync(client, file, 2);
        string id;
        using (var completed = await client.PostAsJsonAsync("/api/contributions", file.Contribution))
        {
            await UploadRun.ExpectAsync(completed, HttpStatusCode.Accepted);
            id = (await completed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
        await using var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append("scoring/" + id, new ReviewersAssigned(id, [new AssignedReviewer(AnvilNode.DevAddresses[Validator], 0.5m)], 3, 1,
            DateTimeOffset.UtcNow.AddMinutes(10), "scoring-1", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        return (id, file);
    }

    /// <summary>The validator's signed read, its answer read a buffer at a time and dropped; returns the bytes answered.</summary>
    private static async Task<long> ReadAsync(HttpClient client, string id)
    {
        var payload = new ContentReadPayload(AnvilNode.DevAddresses[Validator], id, (ulong)Stopwatch.GetTimestamp(),
            (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/contributions/{id}/content")
        {
            Content = JsonContent.Create(new
            {
                payload.Reader, payload.Nonce, payload.Deadline,
                signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[Validator]),
            }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"read answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
            total += n;
        return total;
    }

    private static string MiB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
