using System.Globalization;

namespace CommunityAI.AppHost.Infrastructure;

/// <summary>
/// Aspire records every trace of every service for its dashboard (it sets <c>OTEL_TRACES_SAMPLER=always_on</c>): a span
/// for each request, message and database command. <c>--Telemetry:TraceSampleRatio=0.1</c> keeps one trace in ten,
/// decided once where a trace starts and followed by every service it crosses (the standard
/// <c>parentbased_traceidratio</c> sampler), as a deployment would; metrics and logs are unchanged.
/// </summary>
public static class TraceSampling
{
    public const string Setting = "Telemetry:TraceSampleRatio";

    public static void SampleTraces(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration[Setting] is not { Length: > 0 } setting)
            return;
        if (!double.TryParse(setting, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) || ratio is < 0 or > 1)
            throw new InvalidOperationException($"{Setting} must be a number from 0 to 1 (the share of traces kept); it is '{setting}'");
        // Added after Aspire's own telemetry settings, so these win.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
            project.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
            {
                environment["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
                environment["OTEL_TRACES_SAMPLER_ARG"] = ratio.ToString(CultureInfo.InvariantCulture);
            }));
    }
}
