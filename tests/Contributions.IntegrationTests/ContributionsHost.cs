using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Contributions.IntegrationTests;

/// <summary>
/// The contributions service started from its own Program with the test's settings; with <paramref name="logs"/>, every
/// log line it writes (at the levels the settings allow) lands there instead of the console.
/// </summary>
public sealed class ContributionsHost(IReadOnlyDictionary<string, string> settings, CapturedLogs? logs = null)
    : ServiceHost<CommunityAI.Contributions.Domain.IntakeOptions>(settings, configure: logs is null ? null : web => web.ConfigureLogging(logging =>
    {
        logging.ClearProviders();
        logging.AddProvider(logs);
    }));
