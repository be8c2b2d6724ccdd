using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using CommunityAI.Contributions.Domain;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// Bulk intake: batches of pre-signed contributions through POST /api/contributions/batch (the service in process, real
/// PostgreSQL and RabbitMQ), beside three limits measured in the same run: Marten's raw append of the same events in
/// sessions of a batch's size, every row an accepted contribution stores written alone (<see cref="StoredRowsLimit"/>),
/// and recovering the same signatures alone on every core (what every item must cost at least).
/// </summary>
public static class BatchRun
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30_000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var batchSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        // Two batches warm the service up enough to measure, but methods called once a batch reach the runtime's
        // optimised tier only after some 30 calls: a longer warm-up measures the steady state (see the JIT line printed).
        var warmUpBatches = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        count -= count % batchSize;

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"load: {count} distinct signed contributions in batches of {batchSize}, {concurrency} batches at once, service in process (TestServer), {warmUpBatches} batches of warm-up");
        Console.WriteLine($"load average at start: {LoadAverage.Read()}");

        var history = await PostgresServer.CreateDatabaseAsync("bench");
        var broker = await RabbitServer.CreateVirtualHostAsync("bench");
        try
        {
            Console.Write("signing… ");
            var warmUp = batchSize * warmUpBatches;
            var bodies = Presigned.Bodies(count + warmUp);
            var batches = bodies.Chunk(batchSize).Select(Batch).ToArray();
            Console.WriteLine("done");

            // The limits first, on an idle machine: measured after the run, they would share the cores with the service
            // still publishing, handing over and projecting what it just accepted (measured here: half the raw rate).
            var limit = await RawAppendLimit.MeasureAsync(history, concurrency, count, perSession: batchSize);
            var sealedBytes = Convert.FromBase64String(Requests(bodies[..1])[0].Content!).Length + 28; // AES-GCM's nonce and tag
            var rowsLimit = await StoredRowsLimit.MeasureAsync(concurrency, count, batchSize, sealedBytes);
            RecoveryRate(bodies[..200]); // warm-up (JIT)
            ChecksRate(bodies[..200]);
            var recovery = RecoveryRate(bodies[..Math.Min(count, 10_000)]);
            var checks = ChecksRate(bodies[..Math.Min(count, 10_000)]);

            await using var host = IntakeHost.Start(history, broker);
            var client = host.CreateClient();
            client.Timeout = TimeSpan.FromMinutes(5);

            // Warm-up: JIT, connection pools, Marten's generated code.
            var measured = batches[..^(warmUp / batchSize)];
            await RunAsync(client, batches[^(warmUp / batchSize)..], concurrency);

            var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var (accepted, batchLatencies) = await RunAsync(client, measured, concurrency);
            var rate = accepted / clock.Elapsed.TotalSeconds;
            if (accepted != count)
                throw new InvalidOperationException($"only {accepted} of {count} accepted");
            var answered = clock.Elapsed;
            var lag = await HandoffWait.UntilHandedOverAsync(host.Services.GetRequiredService<Marten.IDocumentStore>(), history, TimeSpan.FromMinutes(5));
            var handedOverRate = accepted / clock.Elapsed.TotalSeconds;
            var jit = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

            batchLatencies.Sort();
            Console.WriteLine($"POST /api/contributions/batch: {accepted}/{count} accepted, {rate:F0} contributions/s; "
                + $"per batch of {batchSize}: p50 {batchLatencies[batchLatencies.Count / 2]:F0} ms, max {batchLatencies[^1]:F0} ms");
            Console.WriteLine($"every content handed over to quality-scoring {lag.TotalSeconds:F1} s after the last answer ({answered.TotalSeconds:F1} s of answers): "
                + $"{handedOverRate:F0} contributions/s accepted and handed over");
            Console.WriteLine($"this process (service and load) while measured: {cpu.TotalSeconds:F1} s CPU, {cpu.TotalMilliseconds * 1000 / accepted:F0} µs a contribution; "
                + $"of it compiling methods (JIT): {jit.TotalSeconds:F1} s");
            Console.WriteLine($"limit, raw Marten QuickAppend of the same events, {batchSize} streams per session: {limit:F0}/s");
            Console.WriteLine($"limit, every row an accepted contribution stores (event, nonce claim, {sealedBytes}-byte content, first view), "
                + $"{batchSize} to a transaction, the service's schema: {rowsLimit:F0}/s");
            Console.WriteLine($"limit, signature recovery alone (EIP-712 digest + secp256k1 recovery), every core: {recovery:F0}/s");
            Console.WriteLine($"for scale: every intake check (parse, digest, recovery) on every core: {checks:F0}/s");
            Console.WriteLine($"ratio batch intake / raw append: {rate / limit:P0} (target >= 50%), accepted and handed over {handedOverRate / limit:P0}; "
                + $"/ signature recovery: {rate / recovery:P0}; target >= 5,000/s");
            Console.WriteLine($"ratio batch intake / every stored row: {rate / rowsLimit:P0}, accepted and handed over {handedOverRate / rowsLimit:P0}");
            Console.WriteLine($"load average at end: {LoadAverage.Read()}");
        }
        finally
        {
            await RabbitServer.DeleteVirtualHostAsync(broker);
            await PostgresServer.DropDatabaseAsync(history);
        }
    }

    private static byte[] Batch(byte[][] items)
    {
        using var buffer = new MemoryStream();
        buffer.Write("{\"contributions\":["u8);
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0)
                buffer.WriteByte((byte)',');
            buffer.Write(items[i]);
        }
        buffer.Write("]}"u8);
        return buffer.ToArray();
    }

    private static async Task<(int Accepted, List<double> LatenciesMs)> RunAsync(HttpClient client, byte[][] batches, int concurrency)
    {
        var next = -1;
        var accepted = 0;
        var latencies = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Length)
            {
                using var content = new ByteArrayContent(batches[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var start = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("/api/contributions/batch", content);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"batch answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                using var answer = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
                Interlocked.Add(ref accepted, answer.RootElement.GetProperty("stored").GetInt32());
                lock (latencies)
                    latencies.Add(elapsed);
            }
        }));
        return (accepted, latencies);
    }

    private static SubmitContributionRequest[] Requests(byte[][] bodies)
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return [.. bodies.Select(b => JsonSerializer.Deserialize<SubmitContributionRequest>(b, web)!)];
    }

    /// <summary>Recovering each body's signer from its digest, on every core: the floor of any intake that checks signatures.</summary>
    private static double RecoveryRate(byte[][] bodies)
    {
        var digests = Requests(bodies).Select(r => (Digest: TypedDataSigner.Digest(new ContributionPayload(r.Contributor!, r.Kind!, r.ContentHash!,
            r.ContentUri!, r.Licence!, r.Nonce!.Value, r.Deadline!.Value), TestChain.Domain), r.Signature)).ToArray();
        var clock = Stopwatch.StartNew();
        Parallel.For(0, digests.Length, i =>
        {
            if (TypedDataSigner.RecoverSigner(digests[i].Digest, digests[i].Signature) is null)
                throw new InvalidOperationException("a presigned signature did not recover");
        });
        return digests.Length / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The whole pure check of intake (parse, rules, digest, recovery) on every core.</summary>
    private static double ChecksRate(byte[][] bodies)
    {
        var options = new IntakeOptions();
        var check = new SignedRequestCheck(TestChain.Domain, TimeProvider.System);
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var clock = Stopwatch.StartNew();
        Parallel.For(0, bodies.Length, i =>
        {
            var request = JsonSerializer.Deserialize<SubmitContributionRequest>(bodies[i], web)!;
            if (ContributionIntake.Decide(request, options, options.AllowedLicences, check) is not IntakeDecision.Accept)
                throw new InvalidOperationException("a presigned body was refused");
        });
        return bodies.Length / clock.Elapsed.TotalSeconds;
    }
}
