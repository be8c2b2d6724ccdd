using System.Diagnostics;
using System.Security.Cryptography;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Log;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// The CPU side of appending: the log writer's whole batch step (envelopes and leaf hashes on every core, the tree
/// update on one), and on one thread the envelope alone, the leaf hash and tree update alone, and raw SHA-256 over the
/// same entry bytes, the limit.
/// </summary>
internal static class HashingLimit
{
    /// <summary>The log writer's batch size.</summary>
    public const int BatchSize = 10_000;

    public sealed record Result(int Leaves, double BatchPerSecond, double EnvelopePerSecond, double HashAndTreePerSecond, double RawSha256PerSecond, double AverageEntryBytes);

    public static Result Measure(int leaves)
    {
        var events = SyntheticHistory.Batch(1, leaves);
        var entries = events.Select((e, i) => LogEntryEnvelope.Build(i, e)).ToArray();

        // Warm-up: JIT and caches for all three.
        Run(events.Take(2000).ToList(), entries.Take(2000).ToArray());

        var batch = Rate(leaves, () =>
        {
            var range = CompactRange.Empty;
            for (var i = 0; i < events.Count; i += BatchSize)
                range = LogBatch.Append(range, events.Skip(i).Take(BatchSize).ToList()).Range;
            return range.Size;
        });
        var envelope = Rate(leaves, () => Envelopes(events));
        var hashAndTree = Rate(leaves, () => HashAndTree(entries));
        var raw = Rate(leaves, () => RawSha256(entries));
        return new Result(leaves, batch, envelope, hashAndTree, raw, entries.Average(e => e.Length));
    }

    private static void Run(IReadOnlyList<CommunityAI.ServiceDefaults.History.StoredEvent> events, byte[][] entries)
    {
        LogBatch.Append(CompactRange.Empty, events);
        Envelopes(events);
        HashAndTree(entries);
        RawSha256(entries);
    }

    private static long Envelopes(IReadOnlyList<CommunityAI.ServiceDefaults.History.StoredEvent> events)
    {
        long sink = 0;
        for (var i = 0; i < events.Count; i++)
            sink += LogEntryEnvelope.Build(i, events[i]).Length;
        return sink;
    }

    private static long HashAndTree(byte[][] entries)
    {
        var range = CompactRange.Empty;
        var nodes = new List<LogNode>(2048);
        foreach (var entry in entries)
        {
            range = range.Append(LogHasher.HashLeaf(entry), nodes);
            if (nodes.Count > 1024)
                nodes.Clear();
        }
        return range.Size;
    }

    private static long RawSha256(byte[][] entries)
    {
        Span<byte> hash = stackalloc byte[32];
        long sink = 0;
        foreach (var entry in entries)
        {
            SHA256.HashData(entry, hash);
            sink += hash[0];
        }
        return sink;
    }

    /// <summary>The best of three runs: on a shared machine a single run measures the neighbours as much as the work.</summary>
    private static double Rate(int leaves, Func<long> work)
    {
        var best = 0.0;
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            GC.KeepAlive(work());
            best = Math.Max(best, leaves / watch.Elapsed.TotalSeconds);
        }
        return best;
    }
}
