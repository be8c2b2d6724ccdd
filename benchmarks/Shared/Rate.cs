using System.Diagnostics;

namespace CommunityAI.Benchmarks;

/// <summary>Runs an operation <c>count</c> times over <c>parallel</c> workers and returns operations per second.</summary>
internal static class Rate
{
    public static async Task<double> MeasureAsync(int count, int parallel, Func<int, Task> operation)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await operation(i);
        }));
        return count / watch.Elapsed.TotalSeconds;
    }
}
