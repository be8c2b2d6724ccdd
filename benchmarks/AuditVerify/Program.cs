using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Log;
using CommunityAI.Benchmarks.AuditVerify;

// Usage: AuditVerify [entries=1000000] [export path]. The export is generated once and reused when it exists.
var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var path = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"communityai-audit-bench-{entries}.jsonl");
if (!File.Exists(path))
{
    var generate = Stopwatch.StartNew();
    ExportGenerator.Write(path, entries);
    Console.WriteLine($"generated {entries:N0} entries in {generate.Elapsed.TotalSeconds:F1} s");
}
var bytes = new FileInfo(path).Length;
Console.WriteLine($"export: {path}, {entries:N0} entries, {bytes / 1e6:F0} MB ({bytes / (double)entries:F0} bytes/entry)");
// Load average too: on a shared build machine other work skews both numbers, the ratio less so.
var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, AVX2: {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, load average {load}");

// Anchored heads every 100,000 entries, as verify keeps roots at anchored sizes.
var anchorSizes = Enumerable.Range(1, entries / 100_000).Select(k => k * 100_000L).ToList();

// The limit: read the file and SHA-256 all its bytes, nothing else.
double Limit()
{
    using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    var buffer = new byte[1 << 20];
    var clock = Stopwatch.StartNew();
    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    int read;
    while ((read = stream.Read(buffer)) > 0)
        sha.AppendData(buffer, 0, read);
    sha.GetHashAndReset();
    return clock.Elapsed.TotalSeconds;
}

// The feature: what `verify --export` does (split lines, leaf hashes, the tree, anchored roots kept), on every core as the tool does.
double Verify(bool strict)
{
    var tree = new LogRecomputer(anchorSizes);
    var clock = Stopwatch.StartNew();
    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    var count = strict
        ? ExportFile.ForEachLine(stream, (index, line) =>
        {
            if (LogEntryFormat.Parse(index, line).ClaimedIndex != index)
                throw new InvalidOperationException($"entry {index} states another index");
            tree.AppendEntry(line);
        })
        : ParallelExportHashing.Run(stream, tree);
    var seconds = clock.Elapsed.TotalSeconds;
    if (count != entries || tree.Roots.Count != anchorSizes.Count)
        throw new InvalidOperationException("verification did not see the whole export");
    return seconds;
}

Limit(); // warm the page cache and the JIT
Verify(false);
double best(Func<double> run) => Enumerable.Range(0, 3).Select(_ => run()).Min();
var limit = best(Limit);
var verify = best(() => Verify(false));
var strictRun = Verify(true);

Console.WriteLine($"limit  read + SHA-256 of the file : {entries / limit,12:N0} entries/s  {bytes / limit / 1e6,8:F0} MB/s");
Console.WriteLine($"verify (leaf + tree per entry)  : {entries / verify,12:N0} entries/s  {bytes / verify / 1e6,8:F0} MB/s  = {limit / verify:P0} of the limit");
Console.WriteLine($"verify --strict (+ parse entry)  : {entries / strictRun,12:N0} entries/s  {bytes / strictRun / 1e6,8:F0} MB/s  = {limit / strictRun:P0} of the limit");
