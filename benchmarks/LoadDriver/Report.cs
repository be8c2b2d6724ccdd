using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CommunityAI.DemoValidators;
using Spectre.Console;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>Prints every figure next to the limit it is measured against, and the machine it ran on.</summary>
public static class Report
{
    public static void Print(LoadSettings settings, RunResult run, Lags lags, ReviewResult reviews, double appendLimit, double publishLimit, double consumeLimit)
    {
        static string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("0.0", CultureInfo.InvariantCulture);
        static string P(IReadOnlyList<double> values, double p) => values.Count == 0 ? "n/a"
            : values.Order().ElementAt(Math.Min(values.Count - 1, (int)(p * values.Count))).ToString("0.00", CultureInfo.InvariantCulture) + " s";
        static string Ratio(double value, double limit) => limit <= 0 ? "n/a" : (value / limit).ToString("P0", CultureInfo.InvariantCulture);

        var table = new Table().AddColumns("figure", "value", "limit (same run)", "ratio");
        table.AddRow("offered rate", $"{settings.Rate}/s", "", "");
        table.AddRow("accepted rate", $"{run.AcceptedPerSecond:0}/s", $"raw Marten append {appendLimit:0}/s", Ratio(run.AcceptedPerSecond, appendLimit));
        table.AddRow("accepted / sent", $"{run.Accepted}/{run.Sent}", "", "");
        table.AddRow("latency p50 / p99 / max", run.Latency.TotalCount == 0 ? "n/a (no answer)"
            : $"{Ms(run.Latency.GetValueAtPercentile(50))} / {Ms(run.Latency.GetValueAtPercentile(99))} / {Ms(run.Latency.GetValueAtPercentile(100))} ms", "", "");
        table.AddRow("signed reviews accepted / refused", $"{reviews.Accepted} / {reviews.Refused}", $"{settings.Validators} validators", "");
        if (reviews.Accepted + reviews.Refused > 0)
            table.AddRow("review latency p50 / p99", $"{Ms(reviews.Latency.GetValueAtPercentile(50))} / {Ms(reviews.Latency.GetValueAtPercentile(99))} ms", "", "");
        foreach (var (reason, count) in reviews.Reasons.OrderByDescending(r => r.Value).Take(3))
            table.AddRow("  reviews refused", Markup.Escape(reason), "", count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("submitted → scored p50 / p99", $"{P(lags.Scored, 0.5)} / {P(lags.Scored, 0.99)}", $"sample {lags.Sampled}", $"{lags.Scored.Count} reached");
        foreach (var (how, n) in lags.DecidedBy.OrderByDescending(d => d.Value))
            table.AddRow("  scored by", Markup.Escape(how), "", $"{n} of {lags.Scored.Count}");
        table.AddRow("submitted → rewarded p50 / p99", $"{P(lags.Rewarded, 0.5)} / {P(lags.Rewarded, 0.99)}", "", $"{lags.Rewarded.Count} reached");
        table.AddRow("submitted → anchored p50 / p99", $"{P(lags.Anchored, 0.5)} / {P(lags.Anchored, 0.99)}", "anchoring period bounds it", $"{lags.Anchored.Count} reached");
        table.AddRow("pipeline messages (3 per contribution)", $"{run.AcceptedPerSecond * 3:0}/s", $"raw publish {publishLimit:0}/s, consume {consumeLimit:0}/s", Ratio(run.AcceptedPerSecond * 3, publishLimit));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
    }

    /// <summary>CPU per accepted contribution by part of the system, against the CPU the machine had over the same window.</summary>
    public static void PrintCpu(CpuUse cpu)
    {
        if (cpu.Lines.Count == 0)
        {
            AnsiConsole.MarkupLine("CPU by process: the system's process tree was not found (Linux only, under the AppHost)");
            return;
        }
        var table = new Table().AddColumns("part", "processes", "CPU in the run", "of it at rest", "CPU per contribution", "share");
        foreach (var line in cpu.Lines)
            table.AddRow(Markup.Escape(line.Part), $"{line.Processes}", $"{line.BusySeconds:0.0} s", $"{line.IdleSeconds:0.0} s",
                $"{line.MillisecondsPerContribution:0.00} ms", cpu.MillisecondsPerContribution <= 0 ? "" : $"{line.MillisecondsPerContribution / cpu.MillisecondsPerContribution:P0}");
        var postgres = cpu.Lines.Where(l => l.Part.StartsWith("PostgreSQL", StringComparison.Ordinal)).ToList();
        table.AddRow("[italic]PostgreSQL, all of it[/]", $"{postgres.Sum(l => l.Processes)}", $"{postgres.Sum(l => l.BusySeconds):0.0} s", $"{postgres.Sum(l => l.IdleSeconds):0.0} s",
            $"{postgres.Sum(l => l.MillisecondsPerContribution):0.00} ms", cpu.MillisecondsPerContribution <= 0 ? "" : $"{postgres.Sum(l => l.MillisecondsPerContribution) / cpu.MillisecondsPerContribution:P0}");
        var tools = cpu.MillisecondsPerContribution - cpu.DeployedMillisecondsPerContribution;
        table.AddRow("[italic]development tools (dashboard, orchestrator, AppHost, driver)[/]", "", "", "", $"{tools:0.00} ms",
            cpu.MillisecondsPerContribution <= 0 ? "" : $"{tools / cpu.MillisecondsPerContribution:P0}");
        table.AddRow("[bold]all[/]", "", $"{cpu.BusySeconds:0.0} s", "", $"[bold]{cpu.MillisecondsPerContribution:0.00} ms[/] ({(cpu.Accepted == 0 ? 0 : cpu.BusySeconds * 1000 / cpu.Accepted):0.00} ms with rest)",
            $"machine: {cpu.CapacitySeconds:0} CPU s in {cpu.Window.TotalSeconds:0} s, {cpu.BusySeconds / cpu.CapacitySeconds:P0} used");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine((cpu.Builds.Count == 0 ? "services' builds not found" : $"services run from {string.Join(" and ", cpu.Builds)} builds")
            + (cpu.Builds.Contains("Debug") ? " (eng/run.sh -c Release runs Release builds, as deployed)" : ""));
        if (cpu.MillisecondsPerContribution > 0)
            AnsiConsole.MarkupLine($"at this cost the machine's {Environment.ProcessorCount} cores sustain at most {Environment.ProcessorCount * 1000 / cpu.MillisecondsPerContribution:0} contributions/s"
                + (cpu.DeployedMillisecondsPerContribution > 0
                    ? $"; without the development tools, as deployed, {cpu.DeployedMillisecondsPerContribution:0.00} ms a contribution and at most {Environment.ProcessorCount * 1000 / cpu.DeployedMillisecondsPerContribution:0}/s"
                    : ""));
    }

    /// <summary>Write-ahead log and stored bytes the run added on the history's server, per accepted contribution.</summary>
    public static void PrintWritten(DatabaseMark from, DatabaseMark to, int accepted)
    {
        if (accepted == 0)
            return;
        var seconds = Math.Max(1, (to.At - from.At).TotalSeconds);
        var wal = to.WalBytes - from.WalBytes;
        AnsiConsole.MarkupLine($"PostgreSQL wrote {wal / 1048576.0:0.0} MiB of write-ahead log ({wal / 1024.0 / accepted:0.0} KiB per contribution, "
            + $"{wal / 1048576.0 / seconds:0.00} MiB/s over {seconds:0} s); its databases grew {(to.DatabaseBytes - from.DatabaseBytes) / 1048576.0:0.0} MiB "
            + $"({(to.DatabaseBytes - from.DatabaseBytes) / 1024.0 / accepted:0.0} KiB per contribution)");
    }

    /// <summary>Nothing lost: every accepted contribution's stages, and the first few that did not reach them all.</summary>
    public static void PrintCompleteness(CompletenessResult complete)
    {
        AnsiConsole.MarkupLine($"of {complete.Accepted} accepted: {complete.Scored} scored, {complete.Rewarded} rewarded, {complete.Anchored} anchored"
            + (complete.Unfinished.Count == 0 ? " (nothing lost)" : $"; [red]{complete.Unfinished.Count} unfinished[/], first: {string.Join(", ", complete.Unfinished.Take(5))}"));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
