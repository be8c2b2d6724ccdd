using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using CommunityAI.Contributions.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// Memory of a dataset export: <c>count</c> contributions of <c>contentBytes</c> each, scored and snapshotted, exported
/// by the builder while the answer is read and discarded. Reports the process's peak live managed heap above the level
/// before the export (sampled after a full collection, every few milliseconds) and the bytes allocated during it, beside the content size: an
/// export that buffers every member peaks near the content size (several times over, as base64 strings), a streamed
/// one near one member. Then its throughput: three more exports, unsampled, alternating with plain Npgsql reads of the
/// same members' rows (<see cref="RawExportRead"/>: read alone, and read with the data key unwrapped and the content opened
/// as the export must), best of three each, in content bytes per second.
///   dotnet run --project benchmarks/ContributionsIntake -c Release -- export [count] [contentBytes]
/// </summary>
public static class ExportRun
{
    private const int Builder = 5;

    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var contentBytes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256 * 1024;
        Console.WriteLine($"export: {count} members of {contentBytes} bytes ({(long)count * contentBytes / (1024 * 1024)} MiB of content), load {LoadAverage.Read()}");

        var history = await PostgresServer.CreateDatabaseAsync("bench");
        var broker = await RabbitServer.CreateVirtualHostAsync("bench");
        try
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMMUNITYAI_CONTRIBUTIONS", AppContext.BaseDirectory);
            await using var host = new IntakeHost(new Dictionary<string, string>
            {
                ["ConnectionStrings:history"] = history,
                ["ConnectionStrings:rabbitmq"] = broker,
                ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
                ["Chain:VerifyingContract"] = TestChain.AnchorContract,
                ["Logging:LogLevel:Default"] = "Warning",
                ["Datasets:Builders:0"] = AnvilNode.DevAddresses[Builder],
                ["Datasets:MaxMembers"] = count.ToString(CultureInfo.InvariantCulture),
            });
            var client = host.CreateClient();

            var store = host.Services.GetRequiredService<IDocumentStore>();
            var ids = new List<string>(count);
            foreach (var signed in Presigned.Bodies(count, contentBytes))
            {
                using var response = await client.PostAsync("/api/contributions", new ByteArrayContent(signed) { Headers = { ContentType = new("application/json") } });
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"intake answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                ids.Add(id);
                await using var session = store.LightweightSession();
                session.Events.Append("scoring/" + id, new ContributionScored(id, AnvilNode.DevAddresses[1], "data", 80, "bench", DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }

            var deadline = (ulong)DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
            var nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var snapshot = new DatasetSnapshotPayload(AnvilNode.DevAddresses[Builder], "data", 0, TestChain.Licence, nonce, deadline);
            using var taken = await client.PostAsJsonAsync("/api/datasets", new
            {
                snapshot.Builder, snapshot.Kind, snapshot.MinScore, snapshot.Licences, snapshot.Nonce, snapshot.Deadline,
                signature = TypedDataSigner.Sign(snapshot, TestChain.Domain, AnvilNode.DevPrivateKeys[Builder]),
            });
            var root = (await taken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("root").GetString()!;

            HttpRequestMessage ExportRequest(ulong exportNonce)
            {
                var export = new DatasetExportPayload(AnvilNode.DevAddresses[Builder], root, exportNonce, deadline);
                return new HttpRequestMessage(HttpMethod.Post, $"/api/datasets/{root}/export")
                {
                    Content = JsonContent.Create(new
                    {
                        export.Builder, export.Nonce, export.Deadline,
                        signature = TypedDataSigner.Sign(export, TestChain.Domain, AnvilNode.DevPrivateKeys[Builder]),
                    }),
                };
            }
            var request = ExportRequest(nonce + 1);

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
                    // A full collection first: the heap's size between collections is mostly garbage, live data is the point.
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                    await Task.Delay(5);
                }
            });
            var clock = Stopwatch.StartNew();
            var (status, read) = await ReadAnswerAsync(client, request);
            clock.Stop();
            await sampling.CancelAsync();
            await sampler;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            static string MiB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
            Console.WriteLine($"POST /api/datasets/{{root}}/export: {status}, {MiB(read)} read in {clock.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"peak live managed heap above the level before: {MiB(peak - baseline)}; allocated during the export: {MiB(allocated)}");
            Console.WriteLine($"content exported: {MiB((long)count * contentBytes)}; ratio peak / content: {(double)(peak - baseline) / ((long)count * contentBytes):P0}; load {LoadAverage.Read()}");

            // Throughput, without the sampler's forced collections: the export and its limits, alternating, best of three.
            var keys = host.Services.GetRequiredService<MasterKeySource>().Ring;
            await using var dataSource = NpgsqlDataSource.Create(history);
            var (exportSeconds, readSeconds, openSeconds, contentRead) = (double.MaxValue, double.MaxValue, double.MaxValue, 0L);
            for (var run = 0; run < 3; run++)
            {
                clock.Restart();
                var (again, _) = await ReadAnswerAsync(client, ExportRequest(nonce + 2 + (ulong)run));
                if (again != HttpStatusCode.OK)
                    throw new InvalidOperationException($"export answered {again}");
                exportSeconds = Math.Min(exportSeconds, clock.Elapsed.TotalSeconds);
                var (seconds, bytes) = await RawExportRead.MeasureAsync(dataSource, ids, keys, decrypt: false);
                readSeconds = Math.Min(readSeconds, seconds);
                (seconds, contentRead) = await RawExportRead.MeasureAsync(dataSource, ids, keys, decrypt: true);
                openSeconds = Math.Min(openSeconds, seconds);
                if (bytes != contentRead)
                    throw new InvalidOperationException($"the raw read saw {bytes} content bytes, the decrypting read {contentRead}");
            }
            string Throughput(double seconds) => (contentRead / seconds / (1024 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " MiB/s";
            string PerSecond(double seconds) => (count / seconds).ToString("F0", CultureInfo.InvariantCulture) + " members/s";
            Console.WriteLine($"throughput, best of 3, content bytes ({MiB(contentRead)}): export {Throughput(exportSeconds)} ({PerSecond(exportSeconds)}); " +
                $"limit, plain Npgsql read of the same rows: {Throughput(readSeconds)}; read + unwrap + AES-256-GCM open: {Throughput(openSeconds)} ({PerSecond(openSeconds)})");
            Console.WriteLine($"ratio export / raw read + decrypt: {openSeconds / exportSeconds:P0}; export / raw read alone: {readSeconds / exportSeconds:P0}; load {LoadAverage.Read()}");
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(history);
            await RabbitServer.DeleteVirtualHostAsync(broker);
        }
    }

    /// <summary>Sends the export and reads its answer a buffer at a time, keeping nothing; returns the status and bytes read.</summary>
    private static async Task<(HttpStatusCode Status, long Read)> ReadAnswerAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var answer = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await answer.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long read = 0;
            for (int n; (n = await body.ReadAsync(buffer)) > 0;)
                read += n;
            return (answer.StatusCode, read);
        }
    }
}
