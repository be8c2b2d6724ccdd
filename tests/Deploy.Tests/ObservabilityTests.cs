using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommunityAI.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using YamlDotNet.Serialization;

namespace CommunityAI.Deploy.Tests;

/// <summary>
/// The operators' dashboard and alerts (deploy/observability) name only metrics the code emits, and show every one of
/// ours: a renamed counter must not leave a silent panel or an alert that can never fire.
/// </summary>
public sealed partial class ObservabilityTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Find(), "deploy", "observability");

    [Fact]
    public void Every_metric_of_ours_the_dashboard_and_alerts_query_is_one_the_code_declares()
    {
        var declared = CommunityMetrics.All.ToDictionary(PrometheusBase, n => n);
        foreach (var file in new[] { "dashboard.json", "alerts.yaml" })
            foreach (var series in OurSeries(File.ReadAllText(Path.Combine(Folder, file))))
                Assert.True(declared.ContainsKey(Strip(series)), $"{file} queries {series}, which no instrument of CommunityMetrics exports");
    }

    [Fact]
    public void The_dashboard_shows_every_metric_the_code_declares()
    {
        var shown = OurSeries(File.ReadAllText(Path.Combine(Folder, "dashboard.json"))).Select(Strip).ToHashSet();
        foreach (var name in CommunityMetrics.All)
            Assert.Contains(PrometheusBase(name), shown);
    }

    [Fact]
    public void The_dashboard_is_grafana_json_and_every_alert_has_an_expression_and_a_summary()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "dashboard.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, p => Assert.NotEmpty(p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString())));

        var rules = ReadAlerts();
        var all = rules.Groups.SelectMany(g => g.Rules).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Alert));
            Assert.False(string.IsNullOrWhiteSpace(r.Expr));
            Assert.True(r.Annotations.ContainsKey("summary"), $"{r.Alert} has no summary");
        });
        Assert.Equal(all.Count, all.Select(r => r.Alert).Distinct().Count());
    }

    [Fact]
    public void The_rotation_alert_holds_while_rows_stay_under_a_retired_key_not_only_while_a_counter_moves()
    {
        // A skipped row is counted once per leader term: an alert on that counter's increase falls silent after its
        // window while the row is still stuck. The gauge reads what is left each round, so an alert on it holds.
        var rules = ReadAlerts().Groups.SelectMany(g => g.Rules).ToList();
        var pending = PrometheusBase(CommunityMetrics.ContentRewrapPendingName);
        var rule = Assert.Single(rules, r => r.Expr.Contains(pending, StringComparison.Ordinal));
        Assert.Matches(@"\)\s*>\s*0\s*$", rule.Expr);
        Assert.False(string.IsNullOrWhiteSpace(rule.For), $"{rule.Alert} fires on the first scrape, during a rotation that is simply running");
        Assert.DoesNotContain(rules, r => r.Expr.Contains(PrometheusBase(CommunityMetrics.ContentRewrapSkippedName), StringComparison.Ordinal));
    }

    [Fact]
    public void Every_alert_on_a_latency_quantile_compares_with_a_bucket_bound_its_histogram_has()
    {
        // The SDK's default bounds end at 10 s: a p99 of an hour reads as 10 s there, and an alert at 30 s or an hour
        // (the outbox's, scoring's) could never fire. Each threshold must be one of the histogram's own bounds, below its
        // last, so the quantile is not interpolated across a bucket wider than the threshold either.
        var bounds = LatencyHistograms().ToDictionary(h => PrometheusBase(h.Name), h => h.Advice?.HistogramBucketBoundaries);
        var quantileAlerts = ReadAlerts().Groups.SelectMany(g => g.Rules).Select(r => (r.Alert, Match: QuantileAlert().Match(r.Expr)))
            .Where(a => a.Match.Success).ToList();
        Assert.NotEmpty(quantileAlerts);
        foreach (var (alert, match) in quantileAlerts)
        {
            var series = Strip(match.Groups["series"].Value);
            Assert.True(bounds.TryGetValue(series, out var histogram) && histogram is not null, $"{alert}: {series} has no bucket bounds of its own");
            var threshold = double.Parse(match.Groups["threshold"].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(histogram!.Contains(threshold) && threshold < histogram[^1],
                $"{alert} compares with {threshold}, not one of {series}'s bounds below its last ({string.Join(", ", histogram)})");
        }
    }

    [Fact]
    public void The_services_metrics_pipeline_exports_each_latency_histogram_with_its_own_bounds()
    {
        // The services' own OpenTelemetry set-up (ConfigureOpenTelemetry), read by an exporter of the test's instead of OTLP.
        var exporter = new BoundsExporter();
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddReader(new BaseExportingMetricReader(exporter)));
        using var host = builder.Build();
        var provider = host.Services.GetRequiredService<MeterProvider>();

        var histograms = LatencyHistograms().ToList();
        Assert.NotEmpty(histograms);
        foreach (var histogram in histograms)
            histogram.Record(TimeSpan.FromHours(2).TotalMilliseconds, new KeyValuePair<string, object?>("test", nameof(ObservabilityTests)));
        Assert.True(provider.ForceFlush());

        foreach (var histogram in histograms)
        {
            Assert.True(histogram.Advice?.HistogramBucketBoundaries is not null, $"{histogram.Name} has no bucket bounds of its own");
            Assert.Equal(histogram.Advice!.HistogramBucketBoundaries!, exporter.Bounds[histogram.Name]);
        }
    }

    private static IEnumerable<Histogram<double>> LatencyHistograms() =>
        typeof(CommunityMetrics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)).OfType<Histogram<double>>();

    /// <summary>Keeps, per histogram, the bucket bounds the SDK exported it with.</summary>
    private sealed class BoundsExporter : BaseExporter<Metric>
    {
        public Dictionary<string, double[]> Bounds { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            // A batch's metrics are reused after the call: read them now.
            foreach (var metric in batch)
                if (metric.MetricType == MetricType.Histogram)
                    foreach (ref readonly var point in metric.GetMetricPoints())
                        Bounds[metric.Name] = [.. EnumerateBounds(point.GetHistogramBuckets())];
            return ExportResult.Success;
        }

        private static List<double> EnumerateBounds(HistogramBuckets buckets)
        {
            var bounds = new List<double>();
            foreach (var bucket in buckets)
                if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                    bounds.Add(bucket.ExplicitBound);
            return bounds;
        }
    }

    private static AlertFile ReadAlerts() =>
        new DeserializerBuilder().WithNamingConvention(YamlDotNet.Serialization.NamingConventions.CamelCaseNamingConvention.Instance).Build()
            .Deserialize<AlertFile>(File.ReadAllText(Path.Combine(Folder, "alerts.yaml")));

    private static IEnumerable<string> OurSeries(string text) => Series().Matches(text).Select(m => m.Value).Distinct();

    // Dots become underscores; the exporter then appends the unit and, for counters, _total; histograms add _bucket/_count/_sum.
    private static string PrometheusBase(string instrument) => instrument.Replace('.', '_');

    private static string Strip(string series)
    {
        foreach (var suffix in new[] { "_bucket", "_count", "_sum", "_total" })
            if (series.EndsWith(suffix, StringComparison.Ordinal))
                series = series[..^suffix.Length];
        foreach (var unit in new[] { "_milliseconds", "_seconds" })
            if (series.EndsWith(unit, StringComparison.Ordinal))
                series = series[..^unit.Length];
        return series;
    }

    [GeneratedRegex("communityai_[a-z_]+")]
    private static partial Regex Series();

    [GeneratedRegex(@"histogram_quantile\(.*?(?<series>communityai_[a-z_]+_bucket).*\)\s*>\s*(?<threshold>[0-9.]+)\s*$")]
    private static partial Regex QuantileAlert();

    public sealed class AlertFile
    {
        public List<AlertGroup> Groups { get; set; } = [];
    }

    public sealed class AlertGroup
    {
        public string Name { get; set; } = "";
        public List<AlertRule> Rules { get; set; } = [];
    }

    public sealed class AlertRule
    {
        public string Alert { get; set; } = "";
        public string Expr { get; set; } = "";
        public string? For { get; set; }
        public Dictionary<string, string> Labels { get; set; } = [];
        public Dictionary<string, string> Annotations { get; set; } = [];
    }
}
