using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>The activity source and meter our own code reports through, registered once in ServiceDefaults.</summary>
public static class CommunityTelemetry
{
    public const string ActivitySourceName = "CommunityAI";
    public const string MeterName = "CommunityAI";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
    public static readonly Meter Meter = new(MeterName);
}
