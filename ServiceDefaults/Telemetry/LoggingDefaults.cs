using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.ServiceDefaults.Telemetry;

/// <summary>
/// Log levels every service starts from; configuration (appsettings, <c>Logging__LogLevel__…</c> variables) overrides them.
/// </summary>
/// <remarks>
/// ASP.NET Core logs four to five Information lines for every request (starting, executing, result, executed, finished),
/// each printed and exported over OTLP. At 50 contributions a second that was 37,000 lines in one load run of the
/// contributions service and most of the dashboard's CPU; traces already carry every request. So ASP.NET Core's
/// own categories log warnings and above, as its project templates set.
/// </remarks>
public static class LoggingDefaults
{
    public static readonly IReadOnlyDictionary<string, string?> Levels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>Adds the defaults as the first configuration source, so every other source wins over them.</summary>
    public static void AddLoggingDefaults(this IHostApplicationBuilder builder) =>
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Levels });
}
