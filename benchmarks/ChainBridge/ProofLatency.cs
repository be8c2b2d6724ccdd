using System.Diagnostics;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using HdrHistogram;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// Latency of the log API's proof handlers (query validation, node reads from PostgreSQL, proof and root
/// assembly; HTTP left out) at random sizes and indexes up to the log's size, one request at a time.
/// Every proof is verified, so a fast wrong answer cannot pass for a result.
/// </summary>
internal static class ProofLatency
{
    public static async Task<LongHistogram> InclusionAsync(LogStore store, long logSize, int samples, Random random)
    {
        var latency = new LongHistogram(TimeStamp.Minutes(1), 3);
        for (var i = -Math.Min(200, samples); i < samples; i++)
        {
            var size = random.NextInt64(1, logSize + 1);
            var index = random.NextInt64(0, size);
            var started = Stopwatch.GetTimestamp();
            var result = await LogApi.InclusionAsync([Text(index)], [Text(size)], store, CancellationToken.None);
            var elapsed = Stopwatch.GetTimestamp() - started;
            var proof = result.Result as Ok<LogApi.InclusionResponse> ?? throw new InvalidOperationException($"inclusion {index}/{size} failed: {result.Result}");
            var p = proof.Value!;
            var verdict = ProofVerifier.VerifyInclusion(index, size, Hex.Decode(p.LeafHash), p.AuditPath.Select(h => Hex.Decode(h)).ToList(), Hex.Decode(p.RootHash));
            if (!verdict.IsValid)
                throw new InvalidOperationException($"inclusion {index}/{size}: {verdict.Message}");
            if (i >= 0) // the first ones warm up JIT, pools and caches
                latency.RecordValue(elapsed);
        }
        return latency;
    }

    public static async Task<LongHistogram> ConsistencyAsync(LogStore store, long logSize, int samples, Random random)
    {
        var latency = new LongHistogram(TimeStamp.Minutes(1), 3);
        for (var i = -Math.Min(200, samples); i < samples; i++)
        {
            var second = random.NextInt64(1, logSize + 1);
            var first = random.NextInt64(1, second + 1);
            var started = Stopwatch.GetTimestamp();
            var result = await LogApi.ConsistencyAsync([Text(first)], [Text(second)], store, CancellationToken.None);
            var elapsed = Stopwatch.GetTimestamp() - started;
            var proof = result.Result as Ok<LogApi.ConsistencyResponse> ?? throw new InvalidOperationException($"consistency {first}/{second} failed: {result.Result}");
            var p = proof.Value!;
            var verdict = ProofVerifier.VerifyConsistency(first, second, Hex.Decode(p.FirstRoot), Hex.Decode(p.SecondRoot), p.Proof.Select(h => Hex.Decode(h)).ToList());
            if (!verdict.IsValid)
                throw new InvalidOperationException($"consistency {first}/{second}: {verdict.Message}");
            if (i >= 0)
                latency.RecordValue(elapsed);
        }
        return latency;
    }

    /// <summary>Milliseconds at a percentile (the histogram counts Stopwatch ticks).</summary>
    public static double Milliseconds(this LongHistogram histogram, double percentile) =>
        histogram.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;

    private static string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
