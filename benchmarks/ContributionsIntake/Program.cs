// Contribution intake under concurrent load against the raw Marten append rate of the same events, measured in one run.
//   dotnet run --project benchmarks/ContributionsIntake -c Release --artifacts-path /tmp/art-x [count] [concurrency] [contentBytes]
// With contentBytes, each contribution carries that much inline content (encrypted into the content store), and the
// limit is also a raw PostgreSQL bytea insert of the same size.
//   dotnet run --project benchmarks/ContributionsIntake -c Release -- batch [count] [concurrency] [batchSize]
// Bulk intake instead (BatchRun.cs): POST /api/contributions/batch against the raw append of the same events in batches.
//   dotnet run --project benchmarks/ContributionsIntake -c Release -- export [count] [contentBytes]
// A dataset export instead (ExportRun.cs): peak managed heap and bytes allocated while exporting, then its throughput
// against plain Npgsql reads (and decryption) of the same rows.
//   dotnet run --project benchmarks/ContributionsIntake -c Release -- upload [count] [sizeMiB] [partMiB] [concurrency]
// Uploads in parts instead (UploadRun.cs): MiB/s against raw bytea inserts of the same bytes.
//   dotnet run --project benchmarks/ContributionsIntake -c Release -- upload-memory [sizeMiB] [partMiB]
// The memory of completing one upload instead (UploadCompletionMemory.cs): peak managed heap and bytes allocated.
//   dotnet run --project benchmarks/ContributionsIntake -- read-memory [sizeMiB] [partMiB]
// The memory of a validator reading one large content instead (ContentReadMemory.cs).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using CommunityAI.Benchmarks.ContributionsIntake;
using CommunityAI.Testing;
using HdrHistogram;

if (args.Length > 0 && args[0] == "export")
{
    await ExportRun.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "upload")
{
    await UploadRun.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "upload-memory")
{
    await UploadCompletionMemory.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "read-memory")
{
    await ContentReadMemory.RunAsync(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "batch")
{
    await BatchRun.RunAsync(args[1..]);
    return;
}

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 6000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
var contentBytes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"load: {count} distinct signed contributions, {concurrency} concurrent clients, service in process (TestServer)");

var history = await PostgresServer.CreateDatabaseAsync("bench");
var broker = await RabbitServer.CreateVirtualHostAsync("bench");
try
{
    Console.Write("signing… ");
    var bodies = Presigned.Bodies(count + 200, contentBytes);
    Console.WriteLine("done");

    await using var host = IntakeHost.Start(history, broker);
    var client = host.CreateClient();

    // Warm-up: JIT, connection pools, Marten's generated code.
    await RunAsync(client, bodies[count..], concurrency, null);

    var latency = new LongHistogram(TimeStamp.Minutes(1), 3);
    var clock = Stopwatch.StartNew();
    var accepted = await RunAsync(client, bodies[..count], concurrency, latency);
    var httpRate = accepted / clock.Elapsed.TotalSeconds;

    var limit = await RawAppendLimit.MeasureAsync(history, concurrency, count);
    var checksPerCore = DecideRate(bodies[..Math.Min(count, 2000)]);

    double Ms(double percentile) => latency.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
    Console.WriteLine($"POST /api/contributions: {accepted}/{count} accepted, {httpRate:F0}/s, p50 {Ms(50):F1} ms, p99 {Ms(99):F1} ms");
    Console.WriteLine($"limit, raw Marten QuickAppend of the same events: {limit:F0}/s");
    Console.WriteLine($"ratio intake / raw append: {httpRate / limit:P0} (target >= 40%)");
    Console.WriteLine($"for scale: parse + every check + EIP-712 recovery alone, one core: {checksPerCore:F0}/s");
    if (contentBytes > 0)
    {
        // The stored row: salt line, the content, and AES-GCM's nonce and tag.
        var bytea = await RawByteaLimit.MeasureAsync(history, concurrency, count, contentBytes + 82 + 28);
        Console.WriteLine($"content: {contentBytes} bytes per upload; limit, raw bytea insert of the same size: {bytea:F0}/s");
        Console.WriteLine($"ratio content upload / raw bytea write: {httpRate / bytea:P0}");
    }
}
finally
{
    await RabbitServer.DeleteVirtualHostAsync(broker);
    await PostgresServer.DropDatabaseAsync(history);
}

// The pure part of intake on one thread: what the signature recovery and checks cost before any I/O.
static double DecideRate(byte[][] bodies)
{
    var options = new CommunityAI.Contributions.Domain.IntakeOptions();
    var check = new CommunityAI.Formats.Signing.SignedRequestCheck(TestChain.Domain, TimeProvider.System);
    var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
    var clock = Stopwatch.StartNew();
    foreach (var body in bodies)
    {
        var request = System.Text.Json.JsonSerializer.Deserialize<CommunityAI.Contributions.Domain.SubmitContributionRequest>(body, web)!;
        if (CommunityAI.Contributions.Domain.ContributionIntake.Decide(request, options, options.AllowedLicences, check) is not CommunityAI.Contributions.Domain.IntakeDecision.Accept)
            throw new InvalidOperationException("a presigned body was refused");
    }
    return bodies.Length / clock.Elapsed.TotalSeconds;
}

static async Task<int> RunAsync(HttpClient client, byte[][] bodies, int concurrency, LongHistogram? latency)
{
    var next = -1;
    var accepted = 0;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < bodies.Length)
        {
            using var content = new ByteArrayContent(bodies[i]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var start = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync("/api/contributions", content);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref accepted);
                lock (bodies)
                    latency?.RecordValue(elapsed);
            }
        }
    }));
    return accepted;
}
