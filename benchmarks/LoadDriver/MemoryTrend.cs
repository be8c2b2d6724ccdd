using System.Globalization;
using Spectre.Console;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>
/// Samples the memory of every part of the system through a run (<see cref="ProcessCpu"/>'s snapshots, every
/// <c>interval</c>), so a long run shows whether any part keeps growing: the soak's "memory flat" is the change from the
/// end of the run's first quarter (pools, caches and JIT warmed) to its end, not the change from a cold start.
/// </summary>
public sealed class MemoryTrend(int historyPort, TimeSpan interval)
{
    private readonly List<CpuSnapshot> _samples = [];

    /// <summary>Samples until <paramref name="ct"/> is cancelled, then once more.</summary>
    public async Task SampleUntilAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        _samples.Add(ProcessCpu.Take(historyPort));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                _samples.Add(ProcessCpu.Take(historyPort));
        }
        catch (OperationCanceledException)
        {
            // Stopped: the last sample below is the end of the run.
        }
        _samples.Add(ProcessCpu.Take(historyPort));
    }

    public void Print()
    {
        if (_samples.Count < 2 || _samples[^1].MemoryBytes.Count == 0)
            return;
        var start = _samples[0];
        var end = _samples[^1];
        var minutes = (end.At - start.At).TotalMinutes;
        // The first samples at or after a quarter and half of the run.
        var warm = _samples.First(s => s.At >= start.At + (end.At - start.At) / 4);
        var half = _samples.First(s => s.At >= start.At + (end.At - start.At) / 2);
        static string MiB(long bytes) => (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture) + " MiB";
        static string Signed(long bytes) => (bytes >= 0 ? "+" : "−") + MiB(Math.Abs(bytes));
        var table = new Table().AddColumns("part (proportional set size)", "at start", "after a quarter", "at half", "peak", "at end",
            "end − quarter", "end − half");
        foreach (var part in end.MemoryBytes.Keys.Order(StringComparer.Ordinal))
        {
            long At(CpuSnapshot s) => s.MemoryBytes.GetValueOrDefault(part);
            // Growth that slows from the first interval to the second is a heap settling; growth that keeps its pace is a leak.
            table.AddRow(Markup.Escape(part), MiB(At(start)), MiB(At(warm)), MiB(At(half)), MiB(_samples.Max(At)), MiB(At(end)),
                Signed(At(end) - At(warm)), Signed(At(end) - At(half)));
        }
        AnsiConsole.MarkupLine($"memory over {minutes:0.0} min, {_samples.Count} samples:");
        AnsiConsole.Write(table);
    }
}
