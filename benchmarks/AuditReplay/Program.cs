using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Benchmarks;
using CommunityAI.Benchmarks.AuditReplay;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;

// Usage: AuditReplay [contributions=100000] [export path]. Three events per contribution; the export is kept and reused.
var contributions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var path = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"communityai-replay-bench-{contributions}.jsonl");
if (!File.Exists(path))
{
    var generate = Stopwatch.StartNew();
    SignedExport.Write(path, contributions);
    Console.WriteLine($"generated {contributions:N0} signed contributions in {generate.Elapsed.TotalSeconds:F1} s");
}
var events = contributions * 3L;
Console.WriteLine($"export: {path}, {events:N0} events, {new FileInfo(path).Length / 1e6:F0} MB");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {LoadAverage.Read()}");

// Limit 1: read and parse every entry, nothing else (the floor of any replay).
double Parse()
{
    var clock = Stopwatch.StartNew();
    long seen = 0;
    using var stream = File.OpenRead(path);
    ExportFile.ForEachLine(stream, (index, line) => { if (LogEntryFormat.Parse(index, line).Index >= 0) seen++; });
    if (seen != events)
        throw new InvalidOperationException("the export is not the expected size");
    return clock.Elapsed.TotalSeconds;
}

// Limit 2: read, parse, and recover every contribution's signer once, on every core: what verifying the signatures costs
// at the least, with no replay rules at all.
double ParseAndRecover()
{
    var clock = Stopwatch.StartNew();
    var batch = new List<(byte[] Digest, string Signature)>(4096);
    void Flush() { Parallel.ForEach(batch, b => TypedDataSigner.RecoverSigner(b.Digest, b.Signature)); batch.Clear(); }
    using var stream = File.OpenRead(path);
    ExportFile.ForEachLine(stream, (index, line) =>
    {
        var e = LogEntryFormat.Parse(index, line);
        if (e.Type != "contribution_submitted")
            return;
        var d = e.Data;
        string S(string name) => d.GetProperty(name).GetString()!;
        var payload = new ContributionPayload(S("contributor"), S("kind"), S("contentHash"), S("contentUri"), S("licence"),
            ulong.Parse(S("nonce"), CultureInfo.InvariantCulture), (ulong)d.GetProperty("deadline").GetInt64());
        batch.Add((TypedDataSigner.Digest(payload, SignedExport.Domain), S("signature")));
        if (batch.Count == 4096)
            Flush();
    });
    Flush();
    return clock.Elapsed.TotalSeconds;
}

// The feature: what `replay --export` does, every replay in one pass.
(double Seconds, ReplayResult Result) Replay()
{
    var clock = Stopwatch.StartNew();
    var replay = new HistoryReplay(SignedExport.Domain);
    using var stream = File.OpenRead(path);
    ExportFile.ForEachLine(stream, (index, line) => replay.Add(LogEntryFormat.Parse(index, line)));
    var result = replay.Finish();
    return (clock.Elapsed.TotalSeconds, result);
}

Parse(); // warm the page cache and the JIT
var (_, first) = Replay();
var signatures = first.Section<SignatureReplayResult>()!;
var verified = signatures.Verified.GetValueOrDefault("contribution");
if (verified != contributions || signatures.Findings.Count > 0)
    throw new InvalidOperationException($"the replay verified {verified} of {contributions} signatures, {signatures.Findings.Count} findings");
// Scores without components and credits without a published policy are findings of the other replays here; they are
// counted so a change in the rules that makes this history cost more (or less) shows up next to the rate.
Console.WriteLine($"other replays' findings on this synthetic history: {first.Differences.Count + first.Section<CommunityAI.Audit.Scores.ScoreReplayResult>()!.Findings.Count + first.Section<CommunityAI.Audit.Policies.PolicyReplayResult>()!.Findings.Count:N0}");
double Best(Func<double> run) => Enumerable.Range(0, 3).Select(_ => run()).Min();
var parse = Best(Parse);
var recover = Best(ParseAndRecover);
var replayed = Best(() => Replay().Seconds);

Console.WriteLine($"limit  read + parse every entry             : {events / parse,10:N0} events/s");
Console.WriteLine($"limit  read + parse + recover each signer   : {events / recover,10:N0} events/s ({contributions / recover:N0} signatures/s)");
Console.WriteLine($"replay (every rule, every signature)        : {events / replayed,10:N0} events/s = {recover / replayed:P0} of the signature limit, {parse / replayed:P0} of the parse limit");
Console.WriteLine($"load average after: {LoadAverage.Read()}");
