using System.Diagnostics;
using CommunityAI.Benchmarks;
using System.Globalization;
using System.Runtime.InteropServices;
using CommunityAI.Benchmarks.ChainBridge;
using CommunityAI.ChainBridge.Log;
using Npgsql;

// The chain bridge's log and anchoring: append rate against raw SHA-256 and against storing the same rows alone in the
// same run, proof latency on a large log in PostgreSQL, and gas per anchor and per anchored event.
// Usage: communityai-chainbridge-bench [hashLeaves=200000] [logSize=1000000] [samples=2000] [eventsPerPeriod=1000,100000,1000000]
//        communityai-chainbridge-bench witnessed [sizes=1000000] [samples=50]   (the witnessed checkpoint's search alone)
if (args is ["witnessed", ..])
{
    await WitnessedAsync(args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50);
    return;
}
var hashLeaves = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
var logSize = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var samples = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2_000;
var periods = args.Length > 3 ? args[3].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [1_000L, 100_000, 1_000_000];
var server = Environment.GetEnvironmentVariable("COMMUNITYAI_BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"load average at start: {LoadAverage.Read()}");

// 1. CPU: the writer's batch step and its hash + tree core against raw SHA-256 over the same entry bytes.
var hashing = HashingLimit.Measure(hashLeaves);

// 2. PostgreSQL through the writer's LogAppender: 1,000 events a batch (the writer's size until 2026-12), then the
// writer's 10,000 a batch up to the proof size.
await using var database = await BenchDatabase.CreateAsync(server, "bench_log_", maxPoolSize: 16);
await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
await LogSchema.EnsureAsync(dataSource, CancellationToken.None);
var store = new LogStore(dataSource);
var builder = new LogBuilder(store);
var writerLeaves = Math.Min(100_000, logSize);
var smallRate = await builder.AppendAsync(writerLeaves, batchSize: 1_000);
var bulkWatch = Stopwatch.StartNew();
var writerRate = logSize > writerLeaves ? await builder.AppendAsync(logSize - writerLeaves, batchSize: HashingLimit.BatchSize) : double.NaN;
bulkWatch.Stop();
await using (var analyze = dataSource.CreateCommand($"ANALYZE {LogSchema.Schema}.log_nodes; ANALYZE {LogSchema.Schema}.log_entries"))
    await analyze.ExecuteNonQueryAsync();

// 3. Proof latency at the full size.
var random = new Random(9162);
var inclusion = await ProofLatency.InclusionAsync(store, builder.Size, samples, random);
var consistency = await ProofLatency.ConsistencyAsync(store, builder.Size, samples, random);

// 4. The store's share: the same batches built before the clock starts, stored into a log of their own, after the
// proofs so its writes do not disturb them.
StoreLimit.Result storeLimit;
await using (var limitDatabase = await BenchDatabase.CreateAsync(server, "bench_log_store_", maxPoolSize: 4))
{
    await using var limitSource = NpgsqlDataSource.Create(limitDatabase.ConnectionString);
    await LogSchema.EnsureAsync(limitSource, CancellationToken.None);
    storeLimit = await StoreLimit.MeasureAsync(new LogStore(limitSource), writerLeaves, logSize - writerLeaves);
}

// 5. Gas on anvil.
var anchors = await AnchorGas.MeasureAsync(periods);

Console.WriteLine();
Console.WriteLine($"{$"Appending ({hashing.Leaves:N0} leaves, {hashing.AverageEntryBytes:F0}-byte entries; best of 3 runs)",-62}  leaves/s  of raw SHA-256  of hash + tree");
void Row(string label, double rate, string note = "") =>
    Console.WriteLine($"  {label,-60}{rate,10:N0}  {rate / hashing.RawSha256PerSecond,14:P1}  {rate / hashing.HashAndTreePerSecond,12:P1}  {note}");
Row("raw SHA-256 over the entry bytes, one thread (limit)", hashing.RawSha256PerSecond);
Row("leaf hash + tree update (CompactRange), one thread", hashing.HashAndTreePerSecond);
Row("canonical envelope alone, one thread", hashing.EnvelopePerSecond);
Row("writer batch step (envelope + hash on every core, tree)", hashing.BatchPerSecond);
Row($"+ LogStore into PostgreSQL, 1,000 a batch (to {writerLeaves:N0})", smallRate, OfStore(smallRate, storeLimit.SmallBatchesPerSecond));
if (!double.IsNaN(writerRate))
    Row($"+ LogStore into PostgreSQL, 10,000 a batch (to {builder.Size:N0})", writerRate, $"({bulkWatch.Elapsed.TotalSeconds:F0} s) " + OfStore(writerRate, storeLimit.BulkPerSecond));
Row("store limit: the same batches built before, 1,000 a batch", storeLimit.SmallBatchesPerSecond);
if (!double.IsNaN(storeLimit.BulkPerSecond))
    Row("store limit: the same batches built before, 10,000 a batch", storeLimit.BulkPerSecond);
static string OfStore(double rate, double limit) => $"{rate / limit:P1} of the store limit";
Console.WriteLine();
Console.WriteLine($"Proofs on a {builder.Size:N0}-entry log, {samples:N0} random requests each, verified     p50 ms    p99 ms    max ms");
Console.WriteLine($"  inclusion (handler + PostgreSQL)                    {inclusion.Milliseconds(50),8:F2}  {inclusion.Milliseconds(99),8:F2}  {inclusion.Milliseconds(100),8:F2}");
Console.WriteLine($"  consistency (handler + PostgreSQL)                  {consistency.Milliseconds(50),8:F2}  {consistency.Milliseconds(99),8:F2}  {consistency.Milliseconds(100),8:F2}");
Console.WriteLine();
Console.WriteLine("Anchoring on anvil (HistoryAnchor.anchor, one transaction per period)   tree size    gas/anchor   gas/event");
foreach (var a in anchors)
    Console.WriteLine($"  {a.EventsInPeriod,9:N0} events in the period                             {a.TreeSize,11:N0}  {a.Gas,11:N0}  {(double)a.Gas / a.EventsInPeriod,10:F3}");
Console.WriteLine($"load average at end: {LoadAverage.Read()}");

static async Task WitnessedAsync(long sizes, int samples)
{
    var server = Environment.GetEnvironmentVariable("COMMUNITYAI_BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    Console.WriteLine($"load average at start: {LoadAverage.Read()}");
    await using var database = await BenchDatabase.CreateAsync(server, "bench_witnessed_", maxPoolSize: 4);
    await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
    await LogSchema.EnsureAsync(dataSource, CancellationToken.None);
    var results = await WitnessedCheckpointSearch.MeasureAsync(dataSource, sizes, stoppedAt: 1_000, samples);
    Console.WriteLine();
    Console.WriteLine($"Witnessed /checkpoint search, 2 of 2 witnesses, {samples} requests each       rows  served   before p50/max ms   after p50/max ms");
    foreach (var r in results)
        Console.WriteLine($"  {r.State,-44}{r.Rows,12:N0}  {r.Served,7:N0}  {r.BeforeP50,9:F2} / {r.BeforeMax,-8:F2}  {r.AfterP50,8:F2} / {r.AfterMax:F2}");
    Console.WriteLine($"load average at end: {LoadAverage.Read()}");
}
