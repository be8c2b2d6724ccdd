using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CommunityAI.Audit.Watch;
using CommunityAI.Benchmarks.AuditWatch;
using CommunityAI.Formats.Notes;
using CommunityAI.Formats.Tiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Usage: AuditWatch [entries=1000000] [entries per head=1000]. Heads/s of `watch` (checkpoint signature, root recomputed
// from tiles, consistency proof from tiles verified) against the limit: fetching the same responses and SHA-256 over them.
var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var step = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {load}");

var signer = new NoteSigner("bench.example/log", Enumerable.Repeat((byte)1, 32).ToArray());
var build = Stopwatch.StartNew();
var log = new TiledLog(entries, signer);
Console.WriteLine($"log of {entries:N0} entries built in {build.Elapsed.TotalSeconds:F1} s; a head every {step:N0} entries");

long servedSize = 0;
var requests = new ConcurrentQueue<string>();
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/checkpoint", () =>
{
    requests.Enqueue("checkpoint");
    return Results.Text(log.Checkpoint(Interlocked.Read(ref servedSize)), "text/plain; charset=utf-8");
});
app.MapGet("/tile/{**path}", (string path) =>
{
    requests.Enqueue("tile/" + path);
    return TilePath.TryParse(path, out var tile, out _) && log.Tile(tile, Interlocked.Read(ref servedSize)) is { } bytes
        ? Results.Bytes(bytes, "application/octet-stream")
        : Results.NotFound();
});
await app.StartAsync();
var url = new Uri(app.Urls.First() + "/");
using var http = new HttpClient();

// The feature: a monitor following the log head after head, as `watch` does.
var heads = entries / step;
var tiles = new TileClient(http, url);
var watcher = new HeadWatcher(tiles, TileClient.WitnessedCheckpoint, signer.Key, [], 0, null);
WatchState? state = null;
var watch = Stopwatch.StartNew();
for (int k = 1; k <= heads; k++)
{
    Interlocked.Exchange(ref servedSize, (long)k * step);
    var check = await watcher.CheckAsync(state, CancellationToken.None);
    if (check.IsAlert || check.State is null)
        throw new InvalidOperationException($"head {k * step}: {check.Alert}");
    state = check.State;
}
var watchSeconds = watch.Elapsed.TotalSeconds;

// The limit: the same requests, in order, each response read and SHA-256 hashed, nothing verified.
var replay = requests.ToArray();
Interlocked.Exchange(ref servedSize, entries);
var limit = Stopwatch.StartNew();
long bytesHashed = 0;
foreach (var path in replay)
{
    var body = await http.GetByteArrayAsync(new Uri(url, path));
    SHA256.HashData(body);
    bytesHashed += body.Length;
}
var limitSeconds = limit.Elapsed.TotalSeconds;
await app.StopAsync();

Console.WriteLine($"requests per head: {replay.Length / (double)heads:F1}, bytes per head: {bytesHashed / (double)heads:F0}");
Console.WriteLine($"limit  fetch + SHA-256 of the same responses : {heads / limitSeconds,10:N0} heads/s");
Console.WriteLine($"watch  (signature, root and consistency)     : {heads / watchSeconds,10:N0} heads/s  = {limitSeconds / watchSeconds:P0} of the limit");
