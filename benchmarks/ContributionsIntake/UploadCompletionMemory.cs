using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CommunityAI.Formats;
using CommunityAI.Testing;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// The memory of completing one upload: a file of <c>sizeMiB</c> is opened and sent in parts of <c>partMiB</c>, then the
/// completing contribution is sent while the live managed heap is sampled (a full collection before each sample, as the
/// export run does) and the bytes allocated are counted. The service runs in this process, so the numbers are the
/// service's (the client's share is one small JSON body); the file's bytes, made before, are in the baseline.
///   dotnet run --project benchmarks/ContributionsIntake -c Release -- upload-memory [sizeMiB] [partMiB]
/// </summary>
public static class UploadCompletionMemory
{
    public static async Task RunAsync(string[] args)
    {
        var size = (args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 64) * 1024 * 1024;
        var partSize = (args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1) * 1024 * 1024;
        Console.WriteLine($"upload-memory: one file of {MiB(size)} in parts of {MiB(partSize)}, load {LoadAverage.Read()}");

        var history = await PostgresServer.CreateDatabaseAsync("bench");
        var broker = await RabbitServer.CreateVirtualHostAsync("bench");
        try
        {
            await using var host = IntakeHost.Start(history, broker);
            var client = host.CreateClient();
            // A small upload first: JIT, pools and Marten's generated code are not what is measured.
            var warmUp = UploadRun.Signed(1, ContentSalt.Add(RandomNumberGenerator.GetBytes(2 * partSize)), partSize);
            await UploadRun.SendPartsAsync(client, warmUp, 1);
            using (var warmed = await client.PostAsJsonAsync("/api/contributions", warmUp.Contribution))
                await UploadRun.ExpectAsync(warmed, HttpStatusCode.Accepted);

            var file = UploadRun.Signed(2, ContentSalt.Add(RandomNumberGenerator.GetBytes(size - ContentSalt.LineLength)), partSize);
            await UploadRun.SendPartsAsync(client, file, 2);

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            long peak = baseline;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                    await Task.Delay(5);
                }
            });
            var clock = Stopwatch.StartNew();
            using (var completed = await client.PostAsJsonAsync("/api/contributions", file.Contribution))
                await UploadRun.ExpectAsync(completed, HttpStatusCode.Accepted);
            clock.Stop();
            await sampling.CancelAsync();
            await sampler;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            Console.WriteLine($"completion (POST /api/contributions naming the upload): {clock.Elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"peak live managed heap above the level before: {MiB(peak - baseline)}; allocated during the completion: {MiB(allocated)}");
            Console.WriteLine($"ratio peak / content: {(double)(peak - baseline) / size:P0}; peak / part: {(double)(peak - baseline) / partSize:F1}; load {LoadAverage.Read()}");
        }
        finally
        {
            await RabbitServer.DeleteVirtualHostAsync(broker);
            await PostgresServer.DropDatabaseAsync(history);
        }
    }

    private static string MiB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
